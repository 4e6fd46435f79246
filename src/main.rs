use std::process::ExitCode;

fn main() -> ExitCode {
    taintsim::cli::main()
}
