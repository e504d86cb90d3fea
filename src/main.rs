//! The `slant` binary: all logic lives in the library; this maps it to an exit code.

// The pipeline allocates many short-lived buffers on several threads at once, where
// mimalloc is markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(slant::cli::main());
}
