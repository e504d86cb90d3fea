//! Pattern tests: each news attribution form, written for these tests.
use super::*;
use crate::analyze::Doc;
use crate::corpus::{Article, Format, Meta, OutletSource};

fn lex() -> &'static Lexicons {
    use std::sync::OnceLock;
    static LEX: OnceLock<Lexicons> = OnceLock::new();
    LEX.get_or_init(|| {
        Lexicons::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lexicons"))
            .unwrap()
    })
}

/// (speaker, role, kind, text) of each statement in `body`.
pub(crate) fn run(body: &str) -> Vec<(String, String, String, String)> {
    let a = Article {
        id: "t".into(),
        path: "t".into(),
        line: None,
        format: Format::Jsonl,
        text: body.into(),
        meta: Meta::default(),
        outlet_source: OutletSource::Unknown,
    };
    let d = Doc::prepare(&a).unwrap();
    let l = lex();
    let m = l.match_tokens(&d.tokens);
    extract(
        &a.text,
        &d.tokens,
        &d.paragraphs,
        &d.cleaned.paragraphs,
        &d.sentences,
        &m,
        l,
    )
    .into_iter()
    .map(|s| {
        (
            s.speaker.clone(),
            s.role.as_str().to_string(),
            s.kind.as_str().to_string(),
            s.text(&a.text).to_string(),
        )
    })
    .collect()
}

fn who(body: &str) -> Vec<(String, String)> {
    run(body).into_iter().map(|(s, r, _, _)| (s, r)).collect()
}

fn p(s: &str, r: &str) -> (String, String) {
    (s.to_string(), r.to_string())
}

#[test]
fn quote_then_speaker_then_verb() {
    let got = run("“We will not back down,” Defense Minister Kenji Ota said on Friday.");
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_str(), got[0].2.as_str()),
        ("Kenji Ota", "official", "direct")
    );
    assert_eq!(got[0].3, "We will not back down,");
}

#[test]
fn quote_then_verb_then_speaker_with_title() {
    let got =
        run("\"The door is open,\" said Maria Lopez, a senior fellow at the Pacific Institute.");
    assert_eq!(got[0].0, "Maria Lopez");
    assert_eq!(got[0].1, "expert");
}

#[test]
fn speaker_colon_quote() {
    let got = run("The spokesperson Anna Berg said: \"We are ready for talks at any level.\"");
    assert_eq!(
        (got[0].0.as_str(), got[0].2.as_str()),
        ("Anna Berg", "direct")
    );
}

#[test]
fn reported_speech_with_that_and_told_media() {
    assert_eq!(
        who(
            "Tom Reed, an analyst at the Center for Maritime Studies, told the Daily Planet on Monday that the patrols would continue."
        ),
        [p("Tom Reed", "expert")]
    );
    let got = run(
        "Foreign Ministry spokesperson Li Wen said on Thursday that Beijing firmly opposes the move.",
    );
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_str()),
        ("Li Wen", "official")
    );
    assert_eq!(got[0].3, "Beijing firmly opposes the move");
}

#[test]
fn inverted_reported_speech() {
    let got = run(
        "The talks could reopen trade channels within months, Sara Kim, a professor at Hanseo University, told reporters.",
    );
    assert_eq!(
        (got[0].0.as_str(), got[0].1.as_str(), got[0].2.as_str()),
        ("Sara Kim", "expert", "indirect")
    );
    assert!(got[0].3.starts_with("The talks could reopen"));
    assert_eq!(
        who(
            "Relations will improve further, said Chen Bo, a researcher at the Institute of Asian Studies."
        ),
        [p("Chen Bo", "expert")]
    );
}

#[test]
fn according_to_both_ways() {
    assert_eq!(
        who("According to Hiro Tanaka, a researcher at Kyoto University, the thaw is fragile."),
        [p("Hiro Tanaka", "expert")]
    );
    assert_eq!(
        who("The thaw is fragile, according to Hiro Tanaka, a researcher at Kyoto University."),
        [p("Hiro Tanaka", "expert")]
    );
}

#[test]
fn continuation_by_surname_and_pronoun() {
    let body = "Lü Chao, an expert on the Korean Peninsula at the Liaoning Academy of Social Sciences, told the Planet that ties were improving.\n\nIf the visit goes well, trade will follow, Lu said.\n\nHe added that patience was needed.";
    let got = who(body);
    assert_eq!(
        got,
        [
            p("Lü Chao", "expert"),
            p("Lü Chao", "expert"),
            p("Lü Chao", "expert")
        ]
    );
}

#[test]
fn two_people_one_surname_takes_the_latest() {
    let body = "Wang Yi, the foreign minister, said talks would continue.\n\nWang Lei, a scholar at Fudan University, said the talks were symbolic.\n\nWang added that more visits were likely.";
    let got = who(body);
    assert_eq!(got[2], p("Wang Lei", "expert"));
}

#[test]
fn unnamed_sources_are_groups_never_people() {
    let got = who(
        "Officials said the meeting was postponed.\n\nA senior official who declined to be named said the delay was technical.\n\nSome analysts say the talks will fail.",
    );
    assert_eq!(got.len(), 3);
    assert!(
        got.iter().all(|(s, r)| r == "group"
            || !s.chars().next().unwrap().is_uppercase()
            || s.contains("official")),
        "{got:?}"
    );
    assert_eq!(got[0], p("Officials", "group"));
}

#[test]
fn bodies_are_organizations_or_media() {
    let got = who(
        "The Chinese Defense Ministry said on Monday that the delegation would visit Japan.\n\nThe ministry said the visit is conducive to mutual trust.\n\nThe editorial asked whether the trip was wise.",
    );
    assert_eq!(got[0], p("Chinese Defense Ministry", "organization"));
    assert_eq!(got[1], p("Chinese Defense Ministry", "organization"));
    assert_eq!(got[2].1, "media");
}

#[test]
fn split_and_multi_paragraph_quotes() {
    let body = "“We came to listen,” Mori said. “There are difficult issues.”\n\n“We will raise them frankly,” he said.\n\n“First, the detentions. We want them resolved.\n\n“Second, the seafood ban must end.”";
    let got = run(body);
    assert_eq!(got.len(), 5, "{got:?}");
    assert!(
        got.iter().all(|g| g.0 == "Mori" && g.2 == "direct"),
        "{got:?}"
    );
}

#[test]
fn mixed_statement_with_partial_quote() {
    let got = run(
        "A senior diplomat said the talks were \"a first step, not a breakthrough\" and would continue next month.",
    );
    assert_eq!(got[0].2, "mixed");
}

#[test]
fn scare_quotes_and_titles_are_not_statements() {
    assert!(run("The so-called \"charm offensive\" continued. An editorial titled \"Why Go Now?\" ran on Tuesday.").is_empty());
}

#[test]
fn transcript_lines() {
    let got = who(
        "Q: Is this a breakthrough?\n\nTakeshi Morita (Director, Center for Alliance Studies): No. It is a channel, and channels matter.\n\nMorita: Concrete deliverables first.",
    );
    assert_eq!(
        got,
        [p("Takeshi Morita", "expert"), p("Takeshi Morita", "expert")]
    );
}

#[test]
fn unbalanced_quotes_do_not_lose_the_article() {
    let got = run(
        "Cai Liang, a research fellow at the Center for Northeast Asian Studies, believes “This visit is a clear signal.\n\nThe talks ended on Wednesday, officials said.",
    );
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, "Cai Liang");
    assert_eq!(got[1].1, "group");
}

#[test]
fn quoted_as_saying_and_interview_forms() {
    assert_eq!(
        who("Prime Minister Ken Sato was quoted as saying that the visit would happen soon."),
        [p("Ken Sato", "official")]
    );
    assert_eq!(
        who(
            "In an interview with the Global Times, Chen Yang, a visiting researcher at the Center for Japanese Studies, said that the visits showed goodwill."
        ),
        [p("Chen Yang", "expert")]
    );
}

#[test]
fn dash_attribution() {
    let got = who("“Dialogue beats isolation.” – Professor Emma Stone, Oxford University");
    assert_eq!(got, [p("Emma Stone", "expert")]);
}

#[test]
fn names_in_either_order_are_one_person() {
    let a = Article {
        id: "t".into(),
        path: "t".into(),
        line: None,
        format: Format::Jsonl,
        text: "Agriculture Minister Etō Taku said exports would resume.\n\nTaku Eto said inspections were complete.".into(),
        meta: Meta::default(),
        outlet_source: OutletSource::Unknown,
    };
    let d = Doc::prepare(&a).unwrap();
    let m = lex().match_tokens(&d.tokens);
    let st = extract(
        &a.text,
        &d.tokens,
        &d.paragraphs,
        &d.cleaned.paragraphs,
        &d.sentences,
        &m,
        lex(),
    );
    assert_eq!(st.len(), 2);
    assert_eq!(st[0].key, st[1].key);
    assert_eq!(st[1].role, Role::Official);
}

#[test]
fn according_to_a_surname_named_before() {
    let got = who(
        "“Channels do not resolve disputes,” said Dr. Laura Chen, a senior fellow at the Brookfield Institute.\n\nAccording to Chen, the most important deliverable is a hotline.",
    );
    assert_eq!(got, [p("Laura Chen", "expert"), p("Laura Chen", "expert")]);
}

#[test]
fn british_single_quotes_and_unnamed_diplomat_after_the_verb() {
    let got = run(
        "'It is a careful reopening, not a reset,' said one European envoy in Hanoi, who asked not to be named.",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "one European envoy");
    assert_eq!(got[0].1, "group");
    assert_eq!(got[0].2, "direct");
    assert_eq!(got[0].3, "It is a careful reopening, not a reset,");
}

#[test]
fn name_of_institution_is_the_person_not_the_city() {
    assert_eq!(
        who("Professor Alan Marsh of St Anne's College Oxford said the summit mattered."),
        [p("Alan Marsh", "expert")]
    );
}

#[test]
fn reported_words_before_a_partial_quote_make_it_mixed() {
    let got = run(
        "Ana Ruiz, an analyst at Kestrel Research, said the visit showed 'both sides want calm'.",
    );
    assert_eq!(got[0].2, "mixed", "{got:?}");
}

#[test]
fn body_named_in_apposition_after_the_verb() {
    assert_eq!(
        who("\"The door is open,\" said the Canadian ambassador, Louise Tremblay."),
        [p("Louise Tremblay", "official")]
    );
}

#[test]
fn full_stop_after_a_title_word_ends_the_speaker() {
    assert_eq!(
        who("\"We are watching closely,\" said a senior official."),
        [p("senior official", "group")]
    );
}

#[test]
fn transcript_moderator_named_in_parentheses_keeps_the_name() {
    let got = who(
        "HOST (Mark Ellis, Fellow, Pacific Forum): Thank you both for joining us today.\n\nOKADA RYO (Lecturer, Tohoku University): Glad to be here and to talk.\n\nHOST: Let us begin with trade policy.",
    );
    assert_eq!(
        got,
        [
            p("Mark Ellis", "expert"),
            p("Okada Ryo", "expert"),
            p("Mark Ellis", "expert")
        ]
    );
}

#[test]
fn according_to_tail_is_not_part_of_the_statement() {
    let got = run("Minister Ito Sho said Tokyo would wait, according to a ministry readout.");
    assert_eq!(got[0].3, "Tokyo would wait", "{got:?}");
}

#[test]
fn an_anonymous_source_is_a_group_never_a_person() {
    assert_eq!(
        who("A government source said the meeting would take place in May."),
        [p("government source", "group")]
    );
}

#[test]
fn a_connective_opening_the_sentence_is_not_part_of_the_speaker() {
    let got = run(
        "But Mei Arai, an associate professor at Hokuto University, cautioned that \"little room remains\".",
    );
    assert_eq!(got[0].0, "Mei Arai");
    assert_eq!(got[0].1, "expert");
}

#[test]
fn according_to_an_unnamed_official_with_lowercase_modifiers() {
    let got = run(
        "According to a senior cabinet official who spoke on condition of anonymity, Manila has proposed dates in May.",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "senior cabinet official");
    assert_eq!(got[0].1, "group");
    assert_eq!(got[0].3, "Manila has proposed dates in May");
}
