//! The worker process and the parent side that runs it under limits.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use wait_timeout::ChildExt;

use crate::{extract_with, ExtractOptions, Extracted, IntakeError, SourceKind};

/// The argument that asks a worker to OCR the pages of a PDF without a
/// text layer.
const OCR_PAGES_ARG: &str = "--ocr-pages";
/// Asks the worker for an image only decoded and re-encoded (a photo to
/// trace), not read as a letter.
const IMAGE_ONLY_ARG: &str = "--image-only";

/// The first argument that turns a Sealdesk binary into a parse worker.
pub const WORKER_ARG: &str = "__parse-worker";

/// How to start a worker: a Sealdesk binary (the CLI or the app) and the
/// arguments that put it in worker mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<String>,
}

impl WorkerCommand {
    /// The running binary itself, in worker mode.
    pub fn current_exe() -> Result<Self, IntakeError> {
        let program = std::env::current_exe().map_err(|e| IntakeError::Worker(e.to_string()))?;
        Ok(Self {
            program,
            args: vec![WORKER_ARG.into()],
        })
    }
}

/// Limits on one parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub timeout_secs: u64,
    pub max_memory_mib: u64,
    pub max_file_mib: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout_secs: 20,
            max_memory_mib: 1024,
            max_file_mib: 64,
        }
    }
}

impl Limits {
    /// The limits for a file that will be read by OCR (a scan): Tesseract
    /// takes seconds per page where a parser takes milliseconds.
    pub fn for_ocr() -> Self {
        Self {
            timeout_secs: 120,
            ..Self::default()
        }
    }

    /// The limits for OCR of `pages` rendered PDF pages, two at a time.
    pub fn for_ocr_pages(pages: usize) -> Self {
        Self {
            timeout_secs: (30 + 10 * pages as u64).min(1800),
            ..Self::default()
        }
    }

    /// The default limits, or [`Limits::for_ocr`] when the bytes are an
    /// image (judged from their first bytes only; the worker decides again).
    pub fn for_file(bytes: &[u8]) -> Self {
        if crate::extract::is_image(bytes) {
            Self::for_ocr()
        } else {
            Self::default()
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Reply {
    Ok(Box<Extracted>),
    Err(IntakeError),
}

/// Parses `bytes` in a fresh worker process. A crash, an abort, a hang or a
/// limit ends only the worker; the caller gets an error for this file.
pub fn run_isolated(
    cmd: &WorkerCommand,
    bytes: &[u8],
    file_name: &str,
    limits: Limits,
) -> Result<Extracted, IntakeError> {
    if bytes.is_empty() {
        return Err(IntakeError::Empty);
    }
    if bytes.len() as u64 > limits.max_file_mib * 1024 * 1024 {
        return Err(IntakeError::TooLarge(limits.max_file_mib));
    }
    let mut command = Command::new(&cmd.program);
    // Its own process group: a Ctrl-C at the terminal is for Sealdesk, and
    // Sealdesk decides what happens to the worker.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .args(&cmd.args)
        .arg("--name")
        .arg(file_name)
        .arg("--max-mem")
        .arg(limits.max_memory_mib.to_string())
        .arg("--cpu")
        .arg(limits.timeout_secs.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| IntakeError::Worker(format!("{}: {e}", cmd.program.display())))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| IntakeError::Worker("no stdin".into()))?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| IntakeError::Worker("no stdout".into()))?;
    let mut stderr = child
        .stderr
        .take()
        .ok_or_else(|| IntakeError::Worker("no stderr".into()))?;
    // Feed and drain on threads so that a worker that stops reading or
    // floods its output cannot block the parent past the time limit.
    let input = bytes.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let err_reader = std::thread::spawn(move || {
        let mut err = Vec::new();
        let _ = stderr.by_ref().take(64 * 1024).read_to_end(&mut err);
        err
    });
    let status = child
        .wait_timeout(Duration::from_secs(limits.timeout_secs))
        .map_err(|e| IntakeError::Worker(e.to_string()))?;
    let Some(status) = status else {
        kill_worker(&mut child);
        // The pipe threads end when the last process holding the pipes is
        // gone; they are not joined, so nothing here can wait on them.
        drop((feeder, reader, err_reader));
        return Err(IntakeError::Timeout(limits.timeout_secs));
    };
    let _ = feeder.join();
    let out = reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if let Ok(reply) = serde_json::from_slice::<Reply>(&out) {
        return match reply {
            Reply::Ok(e) => Ok(*e),
            Reply::Err(e) => Err(e),
        };
    }
    let stderr_text = String::from_utf8_lossy(&err);
    if stderr_text.contains("memory allocation of") || stderr_text.contains("out of memory") {
        return Err(IntakeError::OutOfMemory);
    }
    if stderr_text.contains("overflowed its stack") {
        return Err(IntakeError::Crashed("stack overflow".into()));
    }
    Err(IntakeError::Crashed(describe_exit(status)))
}

/// An untrusted image (a photo or scan of a page, to trace) decoded in a
/// worker under the limits for an image, and given back as a PNG of at most
/// [`crate::extract::MAX_TRACE_SIDE`] pixels a side: what the caller then
/// decodes is Sealdesk's own encoding, never the photo's.
pub fn image_isolated(cmd: &WorkerCommand, bytes: &[u8]) -> Result<Vec<u8>, IntakeError> {
    let mut cmd = cmd.clone();
    cmd.args.push(IMAGE_ONLY_ARG.into());
    let ex = run_isolated(&cmd, bytes, "photo", Limits::default())?;
    ex.working_image
        .ok_or_else(|| IntakeError::Malformed("the worker gave no image back".into()))
}

/// Reads a letter as registration needs it: parsed in a worker under the
/// limits for its kind, then, for a PDF with no text layer, parsed again
/// with its pages OCR'd under limits that allow for it.
pub fn read_letter(
    cmd: &WorkerCommand,
    bytes: &[u8],
    file_name: &str,
) -> Result<Extracted, IntakeError> {
    let ex = run_isolated(cmd, bytes, file_name, Limits::for_file(bytes))?;
    // A scanned PDF, or an e-mail with images or scanned pages attached:
    // read again with its pages OCR'd.
    let scanned_pdf =
        ex.source == SourceKind::Pdf && !ex.has_text_layer && !ex.page_renders.is_empty();
    let mail_scans = matches!(ex.source, SourceKind::Email | SourceKind::Document)
        && ex.page_renders.iter().any(|r| r.glyphs.is_empty());
    if scanned_pdf || mail_scans {
        let mut ocr = cmd.clone();
        ocr.args.push(OCR_PAGES_ARG.into());
        return run_isolated(
            &ocr,
            bytes,
            file_name,
            Limits::for_ocr_pages(ex.page_renders.len()),
        );
    }
    Ok(ex)
}

/// Ends a worker that ran out of time, with its whole process group (it was
/// started as the leader of its own group): anything it started dies with
/// it. The pipe threads are left to end on their own rather than joined, so
/// nothing here can wait on a stray process holding a pipe.
fn kill_worker(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(unix)]
fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.signal(), status.code()) {
        (Some(9), _) => "killed (CPU time limit)".into(),
        (Some(24), _) => "CPU time limit".into(),
        (Some(s), _) => format!("signal {s}"),
        (None, Some(c)) => format!("exit code {c}"),
        _ => "unknown".into(),
    }
}

#[cfg(not(unix))]
fn describe_exit(status: std::process::ExitStatus) -> String {
    format!("{status}")
}

fn arg_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// The worker's `main`: reads one file on stdin, writes one JSON reply on
/// stdout. Called by a Sealdesk binary whose first argument is
/// [`WORKER_ARG`]; returns the process exit code.
pub fn worker_main() -> i32 {
    let args: Vec<String> = std::env::args().collect();
    let name = arg_value(&args, "--name").unwrap_or_default();
    let max_mem = arg_value(&args, "--max-mem")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1024);
    let cpu = arg_value(&args, "--cpu")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(20);
    // Limits first, before any untrusted byte is read. The address-space
    // limit makes a decompression bomb fail an allocation instead of taking
    // the machine's memory; the CPU limit backs up the parent's timer.
    // A worker that cannot set its limits parses nothing.
    #[cfg(unix)]
    {
        let bytes = max_mem.saturating_mul(1024 * 1024);
        let set = rlimit::setrlimit(rlimit::Resource::AS, bytes, bytes)
            .and_then(|_| rlimit::setrlimit(rlimit::Resource::CPU, cpu, cpu.saturating_add(1)))
            .and_then(|_| rlimit::setrlimit(rlimit::Resource::CORE, 0, 0));
        if let Err(e) = set {
            let reply = Reply::Err(IntakeError::Worker(format!(
                "the parse worker could not limit itself: {e}"
            )));
            let _ = serde_json::to_writer(std::io::stdout().lock(), &reply);
            return 2;
        }
    }
    // Parser panics are caught and answered as errors; a default hook would
    // also capture a backtrace (slow with RUST_BACKTRACE set) and print it.
    std::panic::set_hook(Box::new(|_| {}));
    let mut input = Vec::new();
    let image_only = args.iter().any(|a| a == IMAGE_ONLY_ARG);
    let reply = match std::io::stdin().lock().read_to_end(&mut input) {
        Ok(_) if image_only => match crate::extract::image_only(&input) {
            Ok(e) => Reply::Ok(Box::new(e)),
            Err(e) => Reply::Err(e),
        },
        Ok(_) => match extract_with(
            &input,
            &name,
            ExtractOptions {
                ocr_pages: args.iter().any(|a| a == OCR_PAGES_ARG),
            },
        ) {
            Ok(e) => Reply::Ok(Box::new(e)),
            Err(e) => Reply::Err(e),
        },
        Err(e) => Reply::Err(IntakeError::Worker(e.to_string())),
    };
    let ok = matches!(reply, Reply::Ok(_));
    let mut out = std::io::stdout().lock();
    if serde_json::to_writer(&mut out, &reply).is_err() || out.flush().is_err() {
        return 3;
    }
    if ok {
        0
    } else {
        2
    }
}
