//! Evaluation of the shared conformance vectors against the simulator's own rule code.
//!
//! A vector file `<check>.json` is a JSON array of cases `{id, check, source, derived, input,
//! expect, note?}`. Each case is dispatched by its `check` to an [`Evaluator`] registered in a
//! [`Registry`]; the evaluator parses `input` into model types, calls the library's rule code
//! and returns the `expect` object it derives, which the check's [`Comparator`] (by default
//! [`json_equal`]) compares with the case's `expect`. A check of the vector format
//! ([`KNOWN_CHECKS`]) without an evaluator is reported as unsupported; a check name outside
//! that list, or one that differs from its file's name, is an error.
//!
//! # Adding an area
//!
//! Evaluators live in one file per area (`matching.rs`, `scheduling.rs`, ...), each with a
//! `pub fn register(registry: &mut Registry)` that adds its checks:
//!
//! ```ignore
//! pub fn register(registry: &mut Registry) {
//!     registry.add("zoneState", zone_state);
//!     registry.add_with_comparator("zoneNoExecuteRate", zone_rate, |want, got| {
//!         json_equal_within(want, got, 1e-9)
//!     });
//! }
//! ```
//!
//! and the area's name goes into the one `areas!` list below, which declares the module and
//! calls its `register` from [`Registry::with_all_areas`].

use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

pub mod objects;

/// Declares the area modules and registers all of them.
macro_rules! areas {
    ($($area:ident),* $(,)?) => {
        $(pub mod $area;)*

        fn register_all_areas(registry: &mut Registry) {
            $($area::register(registry);)*
        }
    };
}

areas!(matching, scheduling, controllers, drains, kubelet);

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

/// Every check the vector format defines (the contents list of the vectors' README), in that
/// order. A case naming any other check is an error, not an unsupported case.
pub const KNOWN_CHECKS: [&str; 32] = [
    // Matching
    "tolerationMatches",
    "taintsTolerated",
    "taintIdentity",
    "tolerationIdentity",
    // Scheduler
    "taintTolerationFilter",
    "taintTolerationScore",
    "nodeUnschedulableFilter",
    "feasibleNodes",
    "nodeResourcesFit",
    "leastAllocatedScore",
    "numNodesToScore",
    // Taint eviction
    "noExecuteEviction",
    "minTolerationSeconds",
    // Admission
    "defaultTolerationSeconds",
    "admissionOperations",
    // DaemonSet controller
    "daemonSetTolerations",
    "daemonSetShouldRun",
    "daemonSetNodeSync",
    "daemonSetPodAffinity",
    // Node lifecycle controller
    "nodeConditionTaints",
    "zoneState",
    "zoneNoExecuteRate",
    "nodeMonitorGrace",
    // Kubelet
    "kubeletAdmit",
    "kubeletCriticalPod",
    "kubeletEvictionOrder",
    "kubeletEvictionDefaults",
    // Drains and disruption
    "drainPlan",
    "skipDeletedFilter",
    "pdbStatus",
    "evictionRequest",
    "replicaSetReplacement",
];

/// Whether `name` is one of the [`KNOWN_CHECKS`].
pub fn is_known_check(name: &str) -> bool {
    KNOWN_CHECKS.contains(&name)
}

/// Computes a case's `expect` object from its `input`.
pub type Evaluator = fn(&Value) -> Result<Value, EvalError>;

/// Whether a produced `expect` (second argument) matches the vector's (first argument).
pub type Comparator = fn(&Value, &Value) -> bool;

/// Why an evaluator could not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The case's `input` does not have the shape the check's contract describes.
    #[error("malformed input: {0}")]
    Input(String),
    /// The input is well-formed but the rule cannot be applied to it.
    #[error("{0}")]
    Rule(String),
}

/// Parses a case's `input` (or part of it) into `T`, turning serde's complaint into
/// [`EvalError::Input`].
pub fn parse_input<'a, T: Deserialize<'a>>(input: &'a Value) -> Result<T, EvalError> {
    T::deserialize(input).map_err(|e| EvalError::Input(e.to_string()))
}

/// A registered check.
#[derive(Clone, Copy, Debug)]
pub struct Check {
    /// The check name (the vector file name without `.json`).
    pub name: &'static str,
    /// Produces the `expect` object.
    pub evaluate: Evaluator,
    /// Compares expected and produced `expect` objects.
    pub compare: Comparator,
}

/// The checks the runner knows, by name.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    checks: BTreeMap<&'static str, Check>,
}

impl Registry {
    /// A registry with no check.
    pub fn empty() -> Registry {
        Registry::default()
    }

    /// A registry with every area's checks.
    pub fn with_all_areas() -> Registry {
        let mut registry = Registry::empty();
        register_all_areas(&mut registry);
        registry
    }

    /// Registers `evaluate` for `name`, compared with [`json_equal`].
    ///
    /// # Panics
    ///
    /// When `name` is already registered (two areas claiming one check is a programming
    /// error).
    pub fn add(&mut self, name: &'static str, evaluate: Evaluator) -> &mut Registry {
        self.add_with_comparator(name, evaluate, json_equal)
    }

    /// Registers `evaluate` for `name` with a check-specific comparison.
    ///
    /// # Panics
    ///
    /// When `name` is already registered.
    pub fn add_with_comparator(
        &mut self,
        name: &'static str,
        evaluate: Evaluator,
        compare: Comparator,
    ) -> &mut Registry {
        let previous = self.checks.insert(name, Check { name, evaluate, compare });
        assert!(previous.is_none(), "conformance check {name:?} is registered twice");
        self
    }

    /// The check called `name`.
    pub fn get(&self, name: &str) -> Option<&Check> {
        self.checks.get(name)
    }

    /// Registered check names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.checks.keys().copied()
    }
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

/// JSON equality as the vectors define it: numbers compare numerically (`0` equals `0.0`),
/// strings exactly, lists in order, objects by key set and values.
pub fn json_equal(expected: &Value, actual: &Value) -> bool {
    json_equal_within(expected, actual, 0.0)
}

/// [`json_equal`], except that two numbers match when they differ by at most `tolerance`.
pub fn json_equal_within(expected: &Value, actual: &Value, tolerance: f64) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => numbers_equal(a, b, tolerance),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| json_equal_within(x, y, tolerance))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, x)| b.get(k).is_some_and(|y| json_equal_within(x, y, tolerance)))
        }
        (a, b) => a == b,
    }
}

fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number, tolerance: f64) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x.abs_diff(y) as f64 <= tolerance;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x.abs_diff(y) as f64 <= tolerance;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y || (x - y).abs() <= tolerance,
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/// One case as written in a vector file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Unique id across the suite.
    pub id: String,
    /// The check name.
    pub check: String,
    /// Upstream provenance (not needed to evaluate).
    pub source: String,
    /// Worked out from upstream code rather than copied from a test table.
    pub derived: bool,
    /// Check-specific input.
    pub input: Value,
    /// Check-specific expected result.
    pub expect: Value,
    /// Human explanation (not needed to evaluate).
    #[serde(default)]
    pub note: Option<String>,
}

/// A case read from a file: its envelope parsed, or why it could not be.
#[derive(Clone, Debug)]
pub struct LoadedCase {
    /// The file it came from.
    pub file: PathBuf,
    /// Its `id`, or `#<position>` when the id is missing.
    pub id: String,
    /// Its `check`, or `?` when missing.
    pub check: String,
    /// The parsed case, or a description of what is wrong with its envelope.
    pub case: Result<Case, String>,
}

/// A vector file (or folder) that could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The offending path.
    pub path: PathBuf,
    /// What is wrong, including the line and column of a JSON syntax error.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// The vector files named by `paths`: files as given, folders by their `*.json` entries sorted
/// by name (not recursively). A file reached twice is listed once.
pub fn vector_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<LoadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            match std::fs::read_dir(path) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => errors.push(LoadError { path: path.clone(), message: e.to_string() }),
            }
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            errors.push(LoadError { path: path.clone(), message: "no such file or folder".into() });
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.canonicalize().unwrap_or_else(|_| f.clone())));
    (files, errors)
}

/// Reads one vector file. Syntax errors name the line and column; a case whose envelope is
/// wrong is returned with the error instead of failing the whole file.
pub fn load_file(path: &Path) -> Result<Vec<LoadedCase>, LoadError> {
    let fail = |message: String| LoadError { path: path.to_path_buf(), message };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    // serde_json's message ends with "at line L column C".
    let root: Value = serde_json::from_str(&text).map_err(|e| fail(format!("invalid JSON: {e}")))?;
    let Value::Array(items) = root else {
        return Err(fail("expected a JSON array of cases".into()));
    };
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let field = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_string);
            let id = field("id").unwrap_or_else(|| format!("#{}", i + 1));
            let check = field("check").unwrap_or_else(|| "?".into());
            let case = Case::deserialize(&item).map_err(|e| format!("malformed case: {e}"));
            LoadedCase { file: path.to_path_buf(), id, check, case }
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

/// The result of one case.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The produced `expect` matches.
    Pass,
    /// The produced `expect` differs.
    Fail {
        /// The vector's `expect`.
        expected: Value,
        /// What the simulator's rules produced.
        got: Value,
    },
    /// The case's check is one of the [`KNOWN_CHECKS`] but has no evaluator yet.
    Unsupported,
    /// The case could not be evaluated (malformed envelope or input, duplicate id, unknown
    /// check, check differing from its file name, evaluator failure); counted as a failure.
    Error(String),
}

/// One evaluated case.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// The case id.
    pub id: String,
    /// The check name.
    pub check: String,
    /// The file the case came from.
    pub file: PathBuf,
    /// What happened.
    pub outcome: Outcome,
}

/// Evaluates one case against `registry`. A check without an evaluator is unsupported when it
/// is one of the [`KNOWN_CHECKS`] and an error (`unknown check`) otherwise.
pub fn evaluate_case(registry: &Registry, case: &Case) -> Outcome {
    let Some(check) = registry.get(&case.check) else {
        if is_known_check(&case.check) {
            return Outcome::Unsupported;
        }
        return Outcome::Error(format!(
            "unknown check {:?}: not one of the {} checks of the vector format",
            case.check,
            KNOWN_CHECKS.len()
        ));
    };
    let evaluated = catch_unwind(AssertUnwindSafe(|| (check.evaluate)(&case.input)));
    match evaluated {
        Ok(Ok(got)) if (check.compare)(&case.expect, &got) => Outcome::Pass,
        Ok(Ok(got)) => Outcome::Fail { expected: case.expect.clone(), got },
        Ok(Err(e)) => Outcome::Error(e.to_string()),
        Err(_) => Outcome::Error("the evaluator panicked".into()),
    }
}

/// Loads every vector file under `paths` and evaluates every case.
pub fn run(registry: &Registry, paths: &[PathBuf]) -> Report {
    let (files, mut load_errors) = vector_files(paths);
    let mut results = Vec::new();
    let mut first_seen: HashMap<String, PathBuf> = HashMap::new();
    for file in files {
        let cases = match load_file(&file) {
            Ok(cases) => cases,
            Err(e) => {
                load_errors.push(e);
                continue;
            }
        };
        for loaded in cases {
            let outcome = match &loaded.case {
                Err(e) => Outcome::Error(e.clone()),
                Ok(case) => match first_seen.get(&case.id) {
                    Some(other) => {
                        Outcome::Error(format!("duplicate id (first seen in {})", other.display()))
                    }
                    None => match file_check_mismatch(&loaded.file, &case.check) {
                        Some(message) => Outcome::Error(message),
                        None => evaluate_case(registry, case),
                    },
                },
            };
            first_seen.entry(loaded.id.clone()).or_insert_with(|| loaded.file.clone());
            results.push(CaseResult { id: loaded.id, check: loaded.check, file: loaded.file, outcome });
        }
    }
    Report { results, load_errors }
}

/// The complaint when a case's `check` is not its file's name without `.json`.
fn file_check_mismatch(file: &Path, check: &str) -> Option<String> {
    let stem = file.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
    (stem != check).then(|| {
        let name = file.file_name().map(|s| s.to_string_lossy()).unwrap_or_default();
        format!(
            "the case's check {check:?} differs from its file name {name:?} (a case of check {check:?} \
             belongs in {check}.json)"
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

/// Case counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed or could not be evaluated.
    pub failed: usize,
    /// Cases whose check has no evaluator.
    pub unsupported: usize,
}

impl Totals {
    fn count(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Pass => self.passed += 1,
            Outcome::Fail { .. } | Outcome::Error(_) => self.failed += 1,
            Outcome::Unsupported => self.unsupported += 1,
        }
    }
}

/// Everything a conformance run found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// One entry per case, in file order (files sorted by name within a folder).
    pub results: Vec<CaseResult>,
    /// Files or folders that could not be read.
    pub load_errors: Vec<LoadError>,
}

impl Report {
    /// Counts over all cases.
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for r in &self.results {
            t.count(&r.outcome);
        }
        t
    }

    /// Counts per check, sorted by check name.
    pub fn per_check(&self) -> BTreeMap<&str, Totals> {
        let mut map: BTreeMap<&str, Totals> = BTreeMap::new();
        for r in &self.results {
            map.entry(r.check.as_str()).or_default().count(&r.outcome);
        }
        map
    }

    /// Whether no case at all was found (no file, no `.json` file, or only empty arrays).
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    /// Whether the run succeeded: at least one case found, every file read, no case failed,
    /// and no case unsupported unless `allow_unsupported`.
    pub fn success(&self, allow_unsupported: bool) -> bool {
        let t = self.totals();
        !self.is_empty()
            && self.load_errors.is_empty()
            && t.failed == 0
            && (allow_unsupported || t.unsupported == 0)
    }

    /// Prints one line per case (`PASS id`, `FAIL id: expected X, got Y`, `UNSUPPORTED id`),
    /// one `ERROR` line per unreadable file, the per-check table and the overall line
    /// `N passed, M failed, K unsupported`. With `failures_only`, the `PASS` and `UNSUPPORTED`
    /// lines are left out.
    pub fn write_to(&self, out: &mut dyn Write, failures_only: bool) -> io::Result<()> {
        let mut lines = 0;
        for r in &self.results {
            lines += 1;
            match &r.outcome {
                Outcome::Pass if !failures_only => writeln!(out, "PASS {}", r.id)?,
                Outcome::Fail { expected, got } => {
                    writeln!(out, "FAIL {}: expected {expected}, got {got}", r.id)?
                }
                Outcome::Unsupported if !failures_only => writeln!(out, "UNSUPPORTED {}", r.id)?,
                Outcome::Error(e) => writeln!(out, "FAIL {}: {}: {e}", r.id, r.file.display())?,
                Outcome::Pass | Outcome::Unsupported => lines -= 1,
            }
        }
        for e in &self.load_errors {
            lines += 1;
            writeln!(out, "ERROR {e}")?;
        }
        if lines > 0 {
            writeln!(out)?;
        }
        let per_check = self.per_check();
        let width =
            per_check.keys().map(|k| k.len()).chain(["check".len(), "total".len()]).max().unwrap_or(5);
        writeln!(out, "{:<width$}  {:>6}  {:>6}  {:>11}", "check", "passed", "failed", "unsupported")?;
        for (check, t) in &per_check {
            writeln!(out, "{check:<width$}  {:>6}  {:>6}  {:>11}", t.passed, t.failed, t.unsupported)?;
        }
        let t = self.totals();
        writeln!(out, "{:<width$}  {:>6}  {:>6}  {:>11}", "total", t.passed, t.failed, t.unsupported)?;
        writeln!(out)?;
        if !self.load_errors.is_empty() {
            writeln!(out, "{} file(s) could not be read", self.load_errors.len())?;
        }
        writeln!(out, "{} passed, {} failed, {} unsupported", t.passed, t.failed, t.unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::fs;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        path
    }

    fn case(id: &str, check: &str, input: Value, expect: Value) -> Value {
        json!({"id": id, "check": check, "source": "test", "derived": true, "input": input, "expect": expect})
    }

    #[test]
    fn numbers_compare_numerically_and_objects_ignore_key_order() {
        assert!(json_equal(&json!({"a": 0, "b": [1, 2]}), &json!({"b": [1.0, 2], "a": 0.0})));
        assert!(!json_equal(&json!([1, 2]), &json!([2, 1])));
        assert!(!json_equal(&json!({"a": 1}), &json!({"a": 1, "b": null})));
        assert!(!json_equal(&json!("1"), &json!(1)));
        assert!(json_equal_within(&json!({"r": 0.1}), &json!({"r": 0.1 + 1e-12}), 1e-9));
        assert!(!json_equal_within(&json!({"r": 0.1}), &json!({"r": 0.2}), 1e-9));
    }

    #[test]
    fn every_area_registers_its_checks_once() {
        let registry = Registry::with_all_areas();
        for name in ["tolerationMatches", "feasibleNodes", "leastAllocatedScore", "numNodesToScore"] {
            assert!(registry.get(name).is_some(), "{name}");
        }
    }

    #[test]
    fn a_syntax_error_names_the_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "broken.json", "[\n  {\"id\": \"x\",,}\n]");
        let err = load_file(&path).unwrap_err();
        assert!(err.to_string().contains("broken.json"), "{err}");
        assert!(err.message.contains("line 2 column"), "{err}");
    }

    #[test]
    fn a_malformed_case_is_reported_with_its_id_and_the_rest_still_runs() {
        let dir = tempfile::tempdir().unwrap();
        let good = case(
            "ok-1",
            "numNodesToScore",
            json!({"numAllNodes": 10, "percentageOfNodesToScore": 0}),
            json!({"numNodes": 10}),
        );
        let no_expect =
            json!({"id": "bad-1", "check": "numNodesToScore", "source": "", "derived": false, "input": {}});
        let bad_input = case(
            "bad-2",
            "numNodesToScore",
            json!({"numAllNodes": "many", "percentageOfNodesToScore": 0}),
            json!({"numNodes": 1}),
        );
        write(dir.path(), "numNodesToScore.json", &json!([good, no_expect, bad_input]).to_string());
        let report = run(&Registry::with_all_areas(), &[dir.path().to_path_buf()]);
        let outcomes: Vec<(&str, &Outcome)> =
            report.results.iter().map(|r| (r.id.as_str(), &r.outcome)).collect();
        assert_eq!(outcomes[0], ("ok-1", &Outcome::Pass));
        assert!(matches!(outcomes[1], ("bad-1", Outcome::Error(e)) if e.contains("missing field `expect`")));
        assert!(matches!(outcomes[2], ("bad-2", Outcome::Error(e)) if e.contains("malformed input")));
        assert_eq!(report.totals(), Totals { passed: 1, failed: 2, unsupported: 0 });
    }

    /// A registry with numNodesToScore only, so that other known checks stay unsupported.
    fn only_num_nodes_to_score() -> Registry {
        let all = Registry::with_all_areas();
        let check = all.get("numNodesToScore").unwrap();
        let mut registry = Registry::empty();
        registry.add_with_comparator(check.name, check.evaluate, check.compare);
        registry
    }

    #[test]
    fn known_checks_without_evaluator_are_unsupported_and_only_allowed_on_request() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "kubeletAdmit.json",
            &json!([case("k-1", "kubeletAdmit", json!({}), json!({}))]).to_string(),
        );
        let report = run(&Registry::empty(), &[dir.path().to_path_buf()]);
        assert_eq!(report.results[0].outcome, Outcome::Unsupported);
        assert!(!report.success(false));
        assert!(report.success(true));
    }

    #[test]
    fn unknown_checks_are_errors_counted_as_failures() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "mystery.json", &json!([case("m-1", "mystery", json!({}), json!({}))]).to_string());
        let report = run(&Registry::with_all_areas(), &[dir.path().to_path_buf()]);
        assert!(
            matches!(&report.results[0].outcome, Outcome::Error(e) if e.starts_with("unknown check \"mystery\"")),
            "{:?}",
            report.results[0].outcome
        );
        assert_eq!(report.totals(), Totals { passed: 0, failed: 1, unsupported: 0 });
        assert!(!report.success(true));
    }

    #[test]
    fn known_checks_are_the_32_of_the_vector_format_and_cover_every_evaluator() {
        assert_eq!(KNOWN_CHECKS.len(), 32);
        let unique: std::collections::BTreeSet<&str> = KNOWN_CHECKS.iter().copied().collect();
        assert_eq!(unique.len(), 32, "a check is listed twice");
        for name in Registry::with_all_areas().names() {
            assert!(is_known_check(name), "{name} is registered but not a known check");
        }
    }

    #[test]
    fn a_check_differing_from_its_file_name_is_an_error_naming_both() {
        let dir = tempfile::tempdir().unwrap();
        let c = case(
            "x-1",
            "numNodesToScore",
            json!({"numAllNodes": 10, "percentageOfNodesToScore": 0}),
            json!({"numNodes": 10}),
        );
        write(dir.path(), "feasibleNodes.json", &json!([c]).to_string());
        let report = run(&Registry::with_all_areas(), &[dir.path().to_path_buf()]);
        let Outcome::Error(e) = &report.results[0].outcome else {
            panic!("{:?}", report.results[0].outcome);
        };
        assert!(e.contains("\"numNodesToScore\"") && e.contains("\"feasibleNodes.json\""), "{e}");
        assert!(e.contains("numNodesToScore.json"), "{e}");
        assert_eq!(report.totals().failed, 1);
    }

    #[test]
    fn finding_no_case_at_all_is_a_failure() {
        let empty = tempfile::tempdir().unwrap();
        let report = run(&Registry::with_all_areas(), &[empty.path().to_path_buf()]);
        assert!(report.is_empty() && report.load_errors.is_empty());
        assert!(!report.success(true));

        let no_json = tempfile::tempdir().unwrap();
        write(no_json.path(), "notes.txt", "[]");
        let report = run(&Registry::with_all_areas(), &[no_json.path().to_path_buf()]);
        assert!(report.is_empty());
        assert!(!report.success(true));

        let empty_array = tempfile::tempdir().unwrap();
        let file = write(empty_array.path(), "numNodesToScore.json", "[]");
        let report = run(&Registry::with_all_areas(), &[file]);
        assert!(report.is_empty() && report.load_errors.is_empty());
        assert!(!report.success(true));
    }

    #[test]
    fn failures_only_leaves_out_passing_and_unsupported_cases() {
        let dir = tempfile::tempdir().unwrap();
        let pass = case(
            "n-1",
            "numNodesToScore",
            json!({"numAllNodes": 1000, "percentageOfNodesToScore": 0}),
            json!({"numNodes": 420}),
        );
        let fail = case(
            "n-2",
            "numNodesToScore",
            json!({"numAllNodes": 1000, "percentageOfNodesToScore": 0}),
            json!({"numNodes": 7}),
        );
        write(dir.path(), "numNodesToScore.json", &json!([pass, fail]).to_string());
        write(
            dir.path(),
            "kubeletAdmit.json",
            &json!([case("k-1", "kubeletAdmit", json!({}), json!({}))]).to_string(),
        );
        write(dir.path(), "broken.json", "[");
        let report = run(&only_num_nodes_to_score(), &[dir.path().to_path_buf()]);
        let mut out = Vec::new();
        report.write_to(&mut out, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("FAIL n-2: expected"), "{text}");
        assert!(lines[1].starts_with("ERROR ") && lines[1].contains("broken.json"), "{text}");
        assert!(!text.contains("PASS ") && !text.contains("UNSUPPORTED "), "{text}");
        assert!(text.contains("\n\ncheck "), "{text}");
        assert!(text.contains("\nkubeletAdmit "), "{text}");
        // Nothing failed: the table comes first.
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "kubeletAdmit.json",
            &json!([case("k-2", "kubeletAdmit", json!({}), json!({}))]).to_string(),
        );
        let report = run(&only_num_nodes_to_score(), &[dir.path().to_path_buf()]);
        let mut out = Vec::new();
        report.write_to(&mut out, true).unwrap();
        assert!(String::from_utf8(out).unwrap().starts_with("check "));
        assert!(text.ends_with("1 passed, 1 failed, 1 unsupported\n"), "{text}");
    }

    #[test]
    fn the_report_lists_each_case_a_table_and_the_totals() {
        let dir = tempfile::tempdir().unwrap();
        let pass = case(
            "n-1",
            "numNodesToScore",
            json!({"numAllNodes": 1000, "percentageOfNodesToScore": 0}),
            json!({"numNodes": 420}),
        );
        let fail = case(
            "n-2",
            "numNodesToScore",
            json!({"numAllNodes": 1000, "percentageOfNodesToScore": 0}),
            json!({"numNodes": 7}),
        );
        let file = write(dir.path(), "numNodesToScore.json", &json!([pass, fail]).to_string());
        let missing = dir.path().join("absent.json");
        let report = run(&Registry::with_all_areas(), &[file.clone(), file, missing]);
        let mut out = Vec::new();
        report.write_to(&mut out, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("PASS n-1\nFAIL n-2: expected {\"numNodes\":7}, got {\"numNodes\":420}\n"),
            "{text}"
        );
        assert!(text.contains("ERROR ") && text.contains("absent.json: no such file or folder"), "{text}");
        assert!(text.contains("numNodesToScore       1       1            0"), "{text}");
        assert!(text.ends_with("1 passed, 1 failed, 0 unsupported\n"), "{text}");
        assert!(!report.success(true));
    }

    #[test]
    fn duplicate_ids_are_failures() {
        let dir = tempfile::tempdir().unwrap();
        let a = case(
            "same",
            "numNodesToScore",
            json!({"numAllNodes": 1, "percentageOfNodesToScore": 0}),
            json!({"numNodes": 1}),
        );
        write(dir.path(), "numNodesToScore.json", &json!([a.clone(), a]).to_string());
        let report = run(&Registry::with_all_areas(), &[dir.path().to_path_buf()]);
        assert!(matches!(&report.results[1].outcome, Outcome::Error(e) if e.contains("duplicate id")));
    }

    #[test]
    fn a_panicking_evaluator_is_a_failure_not_a_crash() {
        let mut registry = Registry::empty();
        registry.add("boom", |_| panic!("evaluator bug"));
        let c: Case = serde_json::from_value(case("b-1", "boom", json!({}), json!({}))).unwrap();
        assert!(matches!(evaluate_case(&registry, &c), Outcome::Error(_)));
    }
}
