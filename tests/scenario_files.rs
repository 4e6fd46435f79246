//! Scenario files: the default scenario, every file under `scenarios/`, and the errors bad
//! input produces (file, line, column, field path, message).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;
use taintsim::controllers::disruption::{
    BudgetRule, IntOrPercent, SelectorOperator, UnhealthyPodEvictionPolicy,
};
use taintsim::controllers::drain::Drainer;
use taintsim::model::pod::{VolumeSource, WORKLOAD_LABEL};
use taintsim::model::usage::{PodUsage, UsageModel, UsageResource};
use taintsim::model::{Operator, Quantity, TaintEffect, Toleration};
use taintsim::scenario::{
    DEFAULT_SCENARIO_SOURCE, DrainSpec, KubeVersion, NodeTarget, POOL_LABEL, PressureCondition,
    ScenarioError, TimelineAction, WorkloadKind, check_str, default_scenario, load_file, load_str,
};
use taintsim::time::SimTime;

/// A small valid scenario. Line numbers matter: tests replace one line and expect errors there.
const BASE: &str = r#"(
    name: "t",
    horizon: "1d",
    nodes: [
        (name: "w1", zone: "a", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),
        (name: "w2", zone: "b", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),
    ],
    agents: [
        (name: "agent", kind: DaemonSet, requests: {"cpu": "100m"}),
        (name: "cluster-agent", kind: Deployment),
    ],
    workloads: [(name: "web", kind: Deployment, replicas: 2)],
    policies: [(name: "none", tolerations: [])],
    timeline: [],
)"#;

/// `BASE` with `old` (which must occur exactly once) replaced by `new`.
fn with(old: &str, new: &str) -> String {
    assert_eq!(BASE.matches(old).count(), 1, "{old:?} must occur once in BASE");
    BASE.replace(old, new)
}

/// The one-line error for `source`.
fn error(source: &str) -> String {
    match load_str(source, "scenarios/t.ron") {
        Ok(_) => panic!("expected an error for:\n{source}"),
        Err(e) => e.to_string(),
    }
}

fn hours(h: u64) -> SimTime {
    SimTime::from_secs(h * 3600)
}

// -------------------------------------------------------------------------------------------
// Files that must load

#[test]
fn base_scenario_loads_with_defaults_filled_in() {
    let s = load_str(BASE, "t.ron").unwrap();
    assert_eq!(s.kubernetes_version, KubeVersion::DEFAULT);
    assert_eq!(s.seed, 1);
    assert_eq!(s.horizon, Duration::from_secs(86_400));
    assert_eq!(s.settings.node_monitor_grace_period, Duration::from_secs(50));
    let w1 = &s.nodes[0];
    assert_eq!(w1.zone(), "a");
    assert_eq!(w1.labels["kubernetes.io/hostname"], "w1");
    assert_eq!(w1.labels["kubernetes.io/os"], "linux");
    assert_eq!(w1.allocatable, w1.capacity, "allocatable defaults to capacity");
    let web = &s.workloads[0];
    assert_eq!(web.namespace, "default");
    assert_eq!(web.kind, WorkloadKind::Deployment { replicas: 2 });
    assert_eq!(web.template.termination_grace_period, Duration::from_secs(30));
    assert_eq!(s.agents[1].kind, WorkloadKind::Deployment { replicas: 1 });
}

#[test]
fn default_scenario_has_the_documented_shape() {
    let s = default_scenario();
    assert_eq!(s.name, "threatmapper");
    assert_eq!(s.seed, 1);
    // The written day, then the generated week.
    assert_eq!(s.horizon, Duration::from_secs(8 * 24 * 3600));

    // 6 real nodes (3 control plane, 3 workers) and the 2-node dedicated pool.
    let names: Vec<&str> = s.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "node-cp-0",
            "node-cp-1",
            "node-cp-2",
            "node-worker-b-0",
            "node-worker-c-0",
            "node-worker-d-0",
            "node-scan-1",
            "node-scan-2"
        ]
    );
    for n in &s.nodes {
        assert_eq!(n.labels["kubernetes.io/os"], "linux", "{}", n.name);
        assert_eq!(n.allocatable.get("cpu"), Quantity::parse("3500m").unwrap());
        assert_eq!(n.allocatable.get("memory"), Quantity::parse("14236104Ki").unwrap());
        assert_eq!(n.capacity.get("pods"), Quantity::from_units(250));
    }
    for cp in &s.nodes[..3] {
        assert_eq!(cp.taints.len(), 1);
        assert_eq!(cp.taints[0].to_string(), "node-role.kubernetes.io/master:NoSchedule");
    }
    assert!(s.nodes[3..6].iter().all(|n| n.taints.is_empty()));
    assert_eq!(s.nodes[6].zone(), "us-east1-b");
    assert_eq!(s.nodes[7].zone(), "us-east1-c");
    assert_eq!(s.nodes[7].labels[POOL_LABEL], "security-scan");
    assert_eq!(s.nodes[7].taints[0].to_string(), "dedicated=security-scan:NoSchedule");

    // Three control-plane mirror pods, then four business Deployments.
    assert_eq!(s.workloads.len(), 7);
    for (i, w) in s.workloads[..3].iter().enumerate() {
        assert_eq!(w.kind, WorkloadKind::Pod { count: 1, node_name: Some(format!("node-cp-{i}")) });
        assert!(w.template.annotations.contains_key("kubernetes.io/config.mirror"));
    }
    let [ds, dep] = [&s.agents[0], &s.agents[1]];
    assert_eq!((ds.name.as_str(), &ds.kind), ("deepfence-agent", &WorkloadKind::DaemonSet));
    assert!(ds.template.host_network);
    assert_eq!(ds.template.node_selector["kubernetes.io/os"], "linux");
    assert_eq!(ds.template.requests.get("cpu"), Quantity::parse("150m").unwrap());
    assert_eq!(ds.template.limits.get("memory"), Quantity::parse("1536Mi").unwrap());
    assert_eq!(
        ds.template.tolerations,
        vec![
            Toleration::exists("", Some(TaintEffect::NoSchedule)),
            Toleration::exists("", Some(TaintEffect::NoExecute)),
        ]
    );
    assert_eq!(dep.name, "deepfence-agent-cluster");
    assert_eq!(dep.kind, WorkloadKind::Deployment { replicas: 1 });
    assert_eq!(dep.template.requests.get("memory"), Quantity::parse("80Mi").unwrap());
    assert!(dep.template.tolerations.is_empty());

    let policies: Vec<&str> = s.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        policies,
        ["chart-exists-pair", "none", "not-ready-60s", "recommended-cluster-agent", "recommended-node-agent"]
    );
    assert!(
        s.policies[3].applies_to("deepfence-agent-cluster") && !s.policies[3].applies_to("deepfence-agent")
    );
    assert_eq!(s.policies[4].tolerations, vec![Toleration::exists("", None)]);
    assert_eq!(
        s.policies[2].tolerations,
        vec![Toleration::exists_for("node.kubernetes.io/not-ready", TaintEffect::NoExecute, 60)]
    );

    // The written day: every event before 1d (the generated week starts at 1d).
    let timeline: Vec<(SimTime, &str, String)> = s
        .timeline
        .iter()
        .filter(|e| e.at < hours(24))
        .map(|e| {
            let what = match &e.action {
                TimelineAction::AddNode(_) => "add",
                TimelineAction::KubeletNotReady { .. } => "not-ready",
                TimelineAction::KubeletReady { .. } => "ready",
                TimelineAction::NodeSilent { .. } => "silent",
                TimelineAction::NodeBack { .. } => "back",
                TimelineAction::RemoveNode { .. } => "remove",
                TimelineAction::Drain { .. } => "drain",
                TimelineAction::UsageSpike { .. } => "spike",
                TimelineAction::UsageSpikeEnd { .. } => "spike-end",
                other => panic!("unexpected {other:?}"),
            };
            (e.at, what, e.node_label())
        })
        .collect();
    let m20 = Duration::from_secs(20 * 60);
    let agent_node = "node of deepfence-agent-cluster";
    let expected: Vec<(SimTime, &str, &str)> = vec![
        (hours(3), "add", "node-scan-3"),
        (hours(6), "not-ready", "node-worker-b-0"),
        (hours(6) + m20, "ready", "node-worker-b-0"),
        (hours(8), "not-ready", agent_node),
        (hours(8) + m20, "ready", agent_node),
        (hours(10), "silent", agent_node),
        (hours(10) + m20, "back", agent_node),
        (hours(12), "silent", "node-worker-c-0"),
        (hours(12) + m20, "back", "node-worker-c-0"),
        (hours(14), "silent", "node-cp-0"),
        (hours(14) + m20, "back", "node-cp-0"),
        (hours(15), "silent", "node-cp-1"),
        (hours(15) + m20, "back", "node-cp-1"),
        (hours(16), "silent", "node-cp-2"),
        (hours(16) + m20, "back", "node-cp-2"),
        (hours(17), "spike", "node of report-batch"),
        (hours(17) + m20 + m20 / 2, "spike-end", "node of report-batch"),
        (hours(18), "silent", "node-worker-d-0"),
        (hours(18) + m20, "back", "node-worker-d-0"),
        (hours(19), "drain", agent_node),
        (hours(20), "drain", agent_node),
        (hours(21), "remove", "node-scan-3"),
        (hours(22), "drain", agent_node),
        (hours(23), "drain", agent_node),
    ];
    let expected: Vec<(SimTime, &str, String)> =
        expected.into_iter().map(|(t, w, n)| (t, w, n.to_string())).collect();
    assert_eq!(timeline, expected);
    let TimelineAction::AddNode(added) = &s.timeline[0].action else { unreachable!() };
    assert_eq!(added.taints[0].to_string(), "dedicated=security-scan:NoSchedule");
    assert_eq!(added.zone(), "us-east1-d");

    let generators: Vec<(&str, &str)> =
        s.generators.iter().map(|(g, _)| (g.name.as_str(), g.kind.as_str())).collect();
    assert_eq!(
        generators,
        [
            ("worker-crashes", "NodeFailures"),
            ("kubelet-not-ready", "NodeFailures"),
            ("zone-outage", "ZoneOutages"),
            ("memory-bursts", "PressureEpisodes"),
            ("control-plane-upgrade", "RollingMaintenance"),
            ("worker-upgrade", "RollingMaintenance"),
            ("scan-pool-spot", "SpotInterruptions"),
        ]
    );
    assert!(
        s.generators
            .iter()
            .all(|(g, _)| g.from >= Duration::from_secs(86_400) || g.kind.as_str() == "RollingMaintenance")
    );
}

#[test]
fn every_scenario_file_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut loaded = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ron") {
            if let Err(e) = load_file(&path) {
                panic!("{e}");
            }
            loaded += 1;
        }
    }
    assert!(loaded >= 1);
}

#[test]
fn embedded_default_is_the_file_on_disk() {
    let on_disk =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/threatmapper.ron"))
            .unwrap();
    assert_eq!(on_disk, DEFAULT_SCENARIO_SOURCE);
}

// -------------------------------------------------------------------------------------------
// Expansion: node groups, for_duration, timeline order

#[test]
fn node_groups_number_from_one_pad_and_spread_over_zones() {
    let group = r#"(name_pattern: "worker-{i:02}", count: 5, zones: ["a", "b"], pool: "gp", capacity: {"cpu": "2", "memory": "4Gi", "pods": 110}, allocatable: {"cpu": "1900m"}),"#;
    let s = load_str(
        &with(
            r#"        (name: "w2", zone: "b", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),"#,
            group,
        ),
        "t",
    )
    .unwrap();
    let got: Vec<(&str, &str)> = s.nodes[1..].iter().map(|n| (n.name.as_str(), n.zone())).collect();
    assert_eq!(
        got,
        [("worker-01", "a"), ("worker-02", "b"), ("worker-03", "a"), ("worker-04", "b"), ("worker-05", "a")]
    );
    let n = &s.nodes[3];
    assert_eq!(n.labels[POOL_LABEL], "gp");
    assert_eq!(n.labels["kubernetes.io/hostname"], "worker-03");
    assert_eq!(n.allocatable.get("cpu"), Quantity::from_milli(1900));
    assert_eq!(n.allocatable.get("memory"), Quantity::parse("4Gi").unwrap(), "unlisted: taken from capacity");
    assert_eq!(n.capacity.get("pods"), Quantity::from_units(110));
}

#[test]
fn node_groups_can_start_elsewhere_and_name_the_zone() {
    let group = r#"(name_pattern: "{zone}-n{i}", first_index: 0, count: 2, zone: "z", capacity: {"cpu": "2", "memory": "4Gi", "pods": "110"}),"#;
    let s = load_str(
        &with(
            r#"        (name: "w2", zone: "b", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),"#,
            group,
        ),
        "t",
    )
    .unwrap();
    let got: Vec<&str> = s.nodes[1..].iter().map(|n| n.name.as_str()).collect();
    assert_eq!(got, ["z-n0", "z-n1"]);
}

#[test]
fn for_duration_expands_into_a_pair_and_the_timeline_is_sorted() {
    let timeline = r#"    timeline: [
        (at: "6h", node: "w2", event: NotReady, for_duration: "20m"),
        (at: "2h", node: "w1", event: AddTaint, taint: (key: "dedicated", value: "x", effect: "NoExecute"), for_duration: "1h"),
        (at: "2h", node: "w2", event: Silent, for_duration: "90s"),
        (at: "3h", node: "w1", event: Cordon, for_duration: "1h"),
        (at: "5h", event: AddNode, new_node: (name: "w3", capacity: {"cpu": "1", "memory": "1Gi", "pods": "10"})),
        (at: "6h", node: "w3", event: RemoveNode),
    ],"#;
    let s = load_str(&with("    timeline: [],", timeline), "t").unwrap();
    let got: Vec<(u64, String)> = s
        .timeline
        .iter()
        .map(|e| {
            (e.at.as_millis() / 1000, format!("{:?}", e.action).split([' ', '(']).next().unwrap().to_string())
        })
        .collect();
    let expected = [
        (7200, "AddTaint"),
        (7200, "NodeSilent"),
        (7290, "NodeBack"),
        (10800, "RemoveTaint"),
        (10800, "Cordon"),
        (14400, "Uncordon"),
        (18000, "AddNode"),
        (21600, "KubeletNotReady"),
        (21600, "RemoveNode"),
        (22800, "KubeletReady"),
    ];
    let expected: Vec<(u64, String)> = expected.iter().map(|(t, a)| (*t, a.to_string())).collect();
    assert_eq!(got, expected);
    let TimelineAction::RemoveTaint { key, effect, .. } = &s.timeline[3].action else { unreachable!() };
    assert_eq!((key.as_str(), *effect), ("dedicated", TaintEffect::NoExecute));
}

#[test]
fn settings_override_version_defaults() {
    let src = with(
        r#"    horizon: "1d","#,
        r#"    horizon: "1d", kubernetes_version: "1.31", settings: (node_monitor_period: "2s", default_unreachable_toleration_seconds: 120, node_eviction_rate: 1, default_toleration_seconds_enabled: false),"#,
    );
    let s = load_str(&src, "t").unwrap();
    assert_eq!(s.settings.node_monitor_grace_period, Duration::from_secs(40), "1.31 default kept");
    assert_eq!(s.settings.node_monitor_period, Duration::from_secs(2));
    assert_eq!(s.settings.default_unreachable_toleration_seconds, 120);
    assert_eq!(s.settings.default_not_ready_toleration_seconds, 300);
    assert_eq!(s.settings.node_eviction_rate, 1.0);
    assert!(!s.settings.default_toleration_seconds_enabled);
}

#[test]
fn settings_out_of_range_are_errors() {
    let settings =
        |text: &str| with(r#"    horizon: "1d","#, &format!(r#"    horizon: "1d", settings: ({text}),"#));
    let src = settings("unhealthy_zone_threshold: 1.5");
    expect(
        &src,
        3,
        "1.5",
        "settings.unhealthy_zone_threshold: 1.5 is out of range (must be between 0 and 1)",
    );
    let src = settings("node_eviction_rate: -0.1");
    expect(&src, 3, "-0.1", "settings.node_eviction_rate: -0.1 is out of range (must be 0 or more)");
    let src = settings("percentage_of_nodes_to_score: 150");
    expect(&src, 3, "150", "settings.percentage_of_nodes_to_score: 150 is more than 100 (percent)");
    let src = settings("default_not_ready_toleration_seconds: -5");
    expect(&src, 3, "-5", "settings.default_not_ready_toleration_seconds: -5 is negative");
    let src = settings("node_monitor_grace_period: 50");
    expect(&src, 3, "50", "settings.node_monitor_grace_period: Expected string");
}

#[test]
fn workload_fields_resolve_like_the_api_server() {
    let src = with(
        r#"    workloads: [(name: "web", kind: Deployment, replicas: 2)],"#,
        r#"    workloads: [(name: "web", kind: Pod, count: 2, node_name: "w1", limits: {"cpu": "1", "nvidia.com/gpu": 1}, priority_class_name: "system-node-critical", termination_grace_period: "5s", affinity: (nodeAffinity: (requiredDuringSchedulingIgnoredDuringExecution: (nodeSelectorTerms: [(matchExpressions: [(key: "topology.kubernetes.io/zone", operator: "In", values: ["a"])])])))), (name: "db", kind: DaemonSet, tolerations: [(key: "k", operator: "Equal", value: "v", effect: "NoSchedule")])],"#,
    );
    let s = load_str(&src, "t").unwrap();
    let web = &s.workloads[0];
    assert_eq!(web.kind, WorkloadKind::Pod { count: 2, node_name: Some("w1".into()) });
    assert_eq!(web.template.requests.get("cpu"), Quantity::from_units(1), "request defaults to the limit");
    assert_eq!(web.template.requests.get("nvidia.com/gpu"), Quantity::from_units(1));
    assert_eq!(web.template.priority, 2_000_001_000);
    assert_eq!(web.template.termination_grace_period, Duration::from_secs(5));
    let required = web.template.affinity.as_ref().unwrap().required().unwrap();
    assert_eq!(required.node_selector_terms[0].match_expressions[0].values, ["a"]);
    let tol = &s.workloads[1].template.tolerations[0];
    assert_eq!((tol.operator.clone(), tol.value.as_str()), (Operator::Equal, "v"));
}

// -------------------------------------------------------------------------------------------
// Errors: syntax and shape (reported by the RON reader, with the field path added)

/// Asserts that `source` fails with a message that starts with
/// `scenarios/t.ron:<line>:<column>: <rest>`, the column being where `token` first occurs on
/// that line (so the test states what the error points at, not a bare number).
#[track_caller]
fn expect(source: &str, line: usize, token: &str, rest: &str) {
    let text = source.lines().nth(line - 1).unwrap_or_else(|| panic!("no line {line}"));
    let byte = text.find(token).unwrap_or_else(|| panic!("{token:?} not on line {line}: {text}"));
    let column = text[..byte].chars().count() + 1;
    let want = format!("scenarios/t.ron:{line}:{column}: {rest}");
    let got = error(source);
    assert!(got.starts_with(&want), "\n got: {got}\nwant: {want}...");
}

#[test]
fn unknown_fields_are_rejected_where_they_are() {
    let src = with(r#"(name: "w1", zone: "a","#, r#"(name: "w1", zonee: "a","#);
    expect(&src, 5, "zonee", "nodes[0].zonee: Unexpected field named `zonee` in `Node`");

    let src = with(
        r#"policies: [(name: "none", tolerations: [])]"#,
        r#"policies: [(name: "none", tolerations: [(operator: "Exists", efect: "NoSchedule")])]"#,
    );
    expect(
        &src,
        13,
        "efect",
        "policies[0].tolerations[0].efect: Unexpected field named `efect` in `Toleration`",
    );

    let src = with("    timeline: [],", "    bogus: 1,\n    timeline: [],");
    expect(&src, 14, "bogus", "bogus: Unexpected field named `bogus` in `Scenario`");

    let src = with("replicas: 2)", "replicas: 2, affinity: (podAntiAffinity: ()))");
    expect(
        &src,
        12,
        "podAntiAffinity",
        "workloads[0].affinity.podAntiAffinity: Unexpected field named `podAntiAffinity`",
    );
}

#[test]
fn missing_required_fields_name_the_field() {
    // `ron` notices a missing field at the struct's closing parenthesis.
    let src = with("    horizon: \"1d\",\n", "");
    expect(&src, 14, ")", "horizon: missing field `horizon`");
    let src = with("(name: \"cluster-agent\", kind: Deployment)", "(name: \"cluster-agent\")");
    expect(&src, 10, ")", "agents[1].kind: missing field `kind`");
}

#[test]
fn syntax_errors_carry_position_and_path() {
    let src = with(r#"(name: "w1", zone: "a","#, r#"(name: "w1" zone: "a","#);
    expect(&src, 5, "zone", "nodes[0].zone: Expected comma");
    let src = with("kind: DaemonSet,", "kind: \"DaemonSet\",");
    expect(&src, 9, "\"DaemonSet\"", "agents[0].kind: Expected identifier (kinds and events are bare words");
    let src = with("(name: \"agent\",", "(\"name\": \"agent\",");
    expect(&src, 9, "\"name\"", "agents[0].name: Expected identifier");
    assert!(!error(&src).contains("bare words"));
    let src = with("kind: DaemonSet,", "kind: Daemonset,");
    expect(&src, 9, "Daemonset", "agents[0].kind: Unexpected variant named `Daemonset` in enum `Kind`");
    let src = with("replicas: 2", "replicas: -2");
    expect(&src, 12, "2)", "workloads[0].replicas: Integer is out of bounds");
    let src = "(name: \"t\", horizon: \"1d\", nodes: [";
    assert_eq!(error(src), "scenarios/t.ron:1:35: nodes: Expected opening `(` for struct `Node`");
}

#[test]
fn io_errors_name_the_path() {
    let e = load_file(Path::new("scenarios/does-not-exist.ron")).unwrap_err();
    assert!(matches!(e, ScenarioError::Io { .. }));
    assert!(e.to_string().starts_with("scenarios/does-not-exist.ron: cannot read scenario file: "), "{e}");
}

// -------------------------------------------------------------------------------------------
// Errors: values and rules (found after reading, located through the field path)

#[test]
fn bad_durations_are_rejected_with_position() {
    let src = with(r#"horizon: "1d""#, r#"horizon: "1 day""#);
    expect(&src, 3, "\"1 day\"", r#"horizon: bad duration "1 day": unknown unit " day""#);
    let src = with(r#"horizon: "1d""#, r#"horizon: "300""#);
    expect(&src, 3, "\"300\"", r#"horizon: bad duration "300": missing unit"#);
    let src = with(r#"horizon: "1d""#, r#"horizon: "0s""#);
    expect(&src, 3, "\"0s\"", "horizon: the horizon must be longer than zero");
    let src = with(r#"horizon: "1d","#, r#"horizon: "1d", settings: (node_monitor_period: "0s"),"#);
    expect(&src, 3, "\"0s\"", "settings.node_monitor_period: must be longer than zero");
    let src = with(
        "    timeline: [],",
        "    timeline: [(at: \"1h\", node: \"w1\", event: Silent, for_duration: \"0s\")],",
    );
    expect(&src, 14, "\"0s\"", "timeline[0].for_duration: must be longer than zero");
    let src = with("replicas: 2)", "replicas: 2, termination_grace_period: \"1.5s\")");
    expect(&src, 12, "\"1.5s\"", "workloads[0].termination_grace_period: must be whole seconds");
}

#[test]
fn bad_quantities_are_rejected_with_position() {
    let src = with(
        r#"(name: "w2", zone: "b", capacity: {"cpu": "4","#,
        r#"(name: "w2", zone: "b", capacity: {"cpu": "4 cores","#,
    );
    expect(
        &src,
        6,
        "\"4 cores\"",
        r#"nodes[1].capacity["cpu"]: invalid quantity "4 cores": unknown suffix " cores""#,
    );
    let src = with(r#"requests: {"cpu": "100m"}"#, r#"requests: {"cpu": "-100m"}"#);
    expect(&src, 9, "\"-100m\"", r#"agents[0].requests["cpu"]: "-100m" is negative"#);
    let src = with(r#"requests: {"cpu": "100m"}"#, r#"requests: {"cpu": "2"}, limits: {"cpu": "1"}"#);
    expect(&src, 9, "\"2\"", r#"agents[0].requests["cpu"]: request 2 is more than the limit 1"#);
    let src = with(r#"requests: {"cpu": "100m"}"#, r#"requests: {"example.com/dongle": "1"}"#);
    expect(
        &src,
        9,
        "\"1\"",
        r#"agents[0].requests["example.com/dongle"]: extended resource "example.com/dongle" needs a limit"#,
    );
}

#[test]
fn node_capacity_must_cover_allocatable() {
    let w1 = r#"(name: "w1", zone: "a", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),"#;
    let src = with(
        w1,
        r#"(name: "w1", zone: "a", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}, allocatable: {"cpu": "5"}),"#,
    );
    expect(&src, 5, "\"5\"", r#"nodes[0].allocatable["cpu"]: allocatable 5 is more than capacity 4"#);
    let src = with(w1, r#"(name: "w1", zone: "a", capacity: {"cpu": "4", "memory": "16Gi"}),"#);
    expect(&src, 5, "{", r#"nodes[0].capacity: capacity must list "pods""#);
    let src =
        with(w1, r#"(name: "w1", zone: "a", capacity: {"cpu": "0", "memory": "16Gi", "pods": "110"}),"#);
    expect(&src, 5, "\"0\"", r#"nodes[0].capacity["cpu"]: must be more than zero"#);
    let src = with(w1, r#"(name: "w1", zone: "a"),"#);
    expect(&src, 5, "(", "nodes[0].capacity: capacity is required");
}

#[test]
fn duplicate_names_point_at_the_second_one() {
    let src = with(r#"(name: "w2", zone: "b""#, r#"(name: "w1", zone: "b""#);
    expect(&src, 6, "\"w1\"", r#"nodes[1].name: node name "w1" is already used by nodes[0] (line 5)"#);
    let src = with(r#"(name: "web", kind"#, r#"(name: "agent", kind"#);
    expect(
        &src,
        12,
        "\"agent\"",
        r#"workloads[0].name: workload name "agent" is already used by agents[0] (line 9)"#,
    );
    let src =
        with(r#"(name: "none", tolerations: [])"#, r#"(name: "none"), (name: "none", description: "again")"#);
    let second = src.lines().nth(12).unwrap().rfind("\"none\"").unwrap() + 1;
    assert_eq!(
        error(&src),
        format!(
            r#"scenarios/t.ron:13:{second}: policies[1].name: policy name "none" is already used by policies[0] (line 13)"#
        )
    );
    let group =
        r#"(name_pattern: "w{i}", count: 2, capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),"#;
    let src =
        with(r#"(name: "w2", zone: "b", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),"#, group);
    expect(
        &src,
        6,
        "\"w{i}\"",
        r#"nodes[1].name_pattern: node name "w1" is already used by nodes[0] (line 5)"#,
    );
    let src = with(r#"{"cpu": "100m"}"#, r#"{"cpu": "100m", "cpu": "200m"}"#);
    expect(
        &src,
        9,
        r#""cpu": "200m""#,
        r#"agents[0].requests["cpu"]: this key is written twice in the same map"#,
    );
}

#[test]
fn timeline_events_must_name_existing_nodes() {
    let src = with(
        "    timeline: [],",
        "    timeline: [\n        (at: \"1h\", node: \"w9\", event: Silent),\n    ],",
    );
    expect(&src, 15, "\"w9\"", r#"timeline[0].node: unknown node "w9" (known: w1, w2)"#);

    let timeline = r#"    timeline: [
        (at: "2h", node: "w3", event: Cordon),
        (at: "3h", event: AddNode, new_node: (name: "w3", capacity: {"cpu": "1", "memory": "1Gi", "pods": "10"})),
        (at: "4h", node: "w2", event: RemoveNode),
        (at: "3h", node: "w2", event: NotReady, for_duration: "2h"),
    ],"#;
    let src = with("    timeline: [],", timeline);
    let errors: Vec<String> = check_str(&src, "t.ron").unwrap_err().iter().map(ToString::to_string).collect();
    let col = |line: usize, token: &str| src.lines().nth(line - 1).unwrap().find(token).unwrap() + 1;
    assert_eq!(
        errors,
        [
            format!(
                r#"t.ron:15:{}: timeline[0].node: node "w3" does not exist yet at 2h: timeline[1] (line 16) adds it at 3h"#,
                col(15, "\"w3\"")
            ),
            format!(
                r#"t.ron:18:{}: timeline[3].for_duration: node "w2" was removed at 4h by timeline[2] (line 17)"#,
                col(18, "\"2h\"")
            ),
        ]
    );

    let src = with(
        "    timeline: [],",
        "    timeline: [(at: \"1h\", event: AddNode, new_node: (name: \"w2\", capacity: {\"cpu\": \"1\", \"memory\": \"1Gi\", \"pods\": \"10\"}))],",
    );
    expect(&src, 14, "\"w2\"", r#"timeline[0].new_node.name: node "w2" already exists at 1h"#);
}

#[test]
fn timeline_times_stay_within_the_horizon() {
    let src = with("    timeline: [],", "    timeline: [(at: \"25h\", node: \"w1\", event: Cordon)],");
    expect(&src, 14, "\"25h\"", "timeline[0].at: 1d1h is after the horizon (1d)");
    let src = with(
        "    timeline: [],",
        "    timeline: [(at: \"23h\", node: \"w1\", event: Silent, for_duration: \"2h\")],",
    );
    expect(&src, 14, "\"2h\"", "timeline[0].for_duration: the spell ends at 1d1h, after the horizon (1d)");
    let src = with(
        "    timeline: [],",
        "    timeline: [(at: \"1h\", node: \"w1\", event: Back, for_duration: \"2h\")],",
    );
    expect(
        &src,
        14,
        "\"2h\"",
        "timeline[0].for_duration: for_duration is only for Silent, NotReady, AddTaint, Cordon, UsageSpike and InjectCondition",
    );
    let src = with("    timeline: [],", "    timeline: [(at: \"1h\", node: \"w1\", event: AddTaint)],");
    expect(&src, 14, "(at", "timeline[0].taint: AddTaint needs taint");
    let src = with("    timeline: [],", "    timeline: [(at: \"-1h\", node: \"w1\", event: Cordon)],");
    expect(&src, 14, "\"-1h\"", "timeline[0].at: bad duration \"-1h\"");
}

#[test]
fn tolerations_the_api_rejects_are_errors() {
    let policy = |tol: &str| {
        with(r#"(name: "none", tolerations: [])"#, &format!(r#"(name: "none", tolerations: [{tol}])"#))
    };
    let src = policy(r#"(operator: "Exists", effect: "NoSchedule", tolerationSeconds: 60)"#);
    expect(
        &src,
        13,
        "60",
        "policies[0].tolerations[0].tolerationSeconds: tolerationSeconds is only allowed with effect NoExecute",
    );
    let src = policy(r#"(operator: "Equal", value: "x")"#);
    expect(&src, 13, "(operator", "policies[0].tolerations[0].key: an empty key requires operator Exists");
    let src = policy(r#"(key: "k", operator: "Exists", value: "x")"#);
    expect(&src, 13, "\"x\"", "policies[0].tolerations[0].value: operator Exists requires an empty value");
    let src = policy(r#"(key: "k", operator: "Exist")"#);
    expect(
        &src,
        13,
        "\"Exist\"",
        r#"policies[0].tolerations[0].operator: operator "Exist" is not supported (use Exists or Equal)"#,
    );
    let src = policy(r#"(operator: "Exists", effect: "NoExecut")"#);
    expect(&src, 13, "\"NoExecut\"", r#"policies[0].tolerations[0].effect: unknown taint effect "NoExecut""#);
    let src = policy(r#"(key: "not ready", operator: "Exists")"#);
    expect(&src, 13, "\"not ready\"", r#"policies[0].tolerations[0].key: "not ready" is not a valid key"#);
}

#[test]
fn taints_must_be_well_formed() {
    let node = |taint: &str| {
        with(r#"(name: "w1", zone: "a","#, &format!(r#"(name: "w1", zone: "a", taints: [{taint}],"#))
    };
    let src = node(r#"(key: "dedicated", effect: "NoSchedul")"#);
    expect(&src, 5, "\"NoSchedul\"", r#"nodes[0].taints[0].effect: unknown taint effect "NoSchedul""#);
    let src = node(
        r#"(key: "dedicated", effect: "NoSchedule"), (key: "dedicated", value: "x", effect: "NoSchedule")"#,
    );
    expect(
        &src,
        5,
        "(key: \"dedicated\", value",
        r#"nodes[0].taints[1]: the node already has a taint with key "dedicated" and effect NoSchedule"#,
    );
    let src = node(r#"(key: "node.kubernetes.io/unreachable", effect: "NoExecute")"#);
    expect(
        &src,
        5,
        "\"node.kubernetes.io/unreachable\"",
        r#"nodes[0].taints[0].key: "node.kubernetes.io/unreachable" is managed by the node lifecycle controller: use the Silent event"#,
    );
    let src = node(r#"(key: "has space", effect: "NoSchedule")"#);
    expect(&src, 5, "\"has space\"", r#"nodes[0].taints[0].key: "has space" is not a valid key"#);
    let src = node(r#"(key: "dedicated")"#);
    expect(&src, 5, ")]", "nodes[0].taints[0].effect: missing field `effect`");
}

#[test]
fn policies_must_apply_to_agents() {
    let src = with(r#"(name: "none", tolerations: [])"#, r#"(name: "none", applies_to: ["agnt"])"#);
    expect(
        &src,
        13,
        "\"agnt\"",
        r#"policies[0].applies_to[0]: unknown agent "agnt" (agents: agent, cluster-agent)"#,
    );
    let src = with(r#"(name: "none", tolerations: [])"#, r#"(name: "none", applies_to: ["web"])"#);
    expect(
        &src,
        13,
        "\"web\"",
        r#"policies[0].applies_to[0]: "web" is a business workload, not an agent (agents: agent, cluster-agent)"#,
    );
    let src = with(r#"(name: "none", tolerations: [])"#, r#"(name: "none", applies_to: [])"#);
    expect(&src, 13, "[])", "policies[0].applies_to: an empty list applies the policy to no agent");
}

#[test]
fn agents_and_policies_are_required() {
    let src = with(r#"    policies: [(name: "none", tolerations: [])],"#, "    policies: [],");
    expect(&src, 13, "[", "policies: at least one policy is needed");
    let no_agents = with(
        r#"    agents: [
        (name: "agent", kind: DaemonSet, requests: {"cpu": "100m"}),
        (name: "cluster-agent", kind: Deployment),
    ],"#,
        "    agents: [],",
    );
    expect(&no_agents, 8, "[", "agents: at least one agent is needed");
    let src = with("(name: \"cluster-agent\", kind: Deployment)", "(name: \"cluster-agent\", kind: Pod)");
    expect(&src, 10, "Pod", "agents[1].kind: an agent runs as a DaemonSet or a Deployment");
}

#[test]
fn misplaced_workload_fields_are_errors() {
    let src = with("(name: \"agent\", kind: DaemonSet,", "(name: \"agent\", kind: DaemonSet, replicas: 3,");
    expect(
        &src,
        9,
        "3",
        "agents[0].replicas: replicas does not apply to a DaemonSet (one pod per eligible node)",
    );
    let src = with("replicas: 2)", "replicas: 2, node_name: \"w1\")");
    expect(&src, 12, "\"w1\"", "workloads[0].node_name: node_name does not apply to a Deployment");
    let src = with("kind: Deployment, replicas: 2)", "kind: Pod, node_name: \"w7\")");
    expect(&src, 12, "\"w7\"", r#"workloads[0].node_name: unknown node "w7" (nodes at the start: w1, w2)"#);
    let src = with("replicas: 2)", "replicas: 2, namespace: \"Shop\")");
    expect(&src, 12, "\"Shop\"", r#"workloads[0].namespace: "Shop" is not a valid namespace"#);
    let src = with(
        "replicas: 2)",
        r#"replicas: 2, affinity: (nodeAffinity: (requiredDuringSchedulingIgnoredDuringExecution: (nodeSelectorTerms: [(matchExpressions: [(key: "zone", operator: "in", values: ["a"])])]))))"#,
    );
    expect(
        &src,
        12,
        "\"in\"",
        r#"workloads[0].affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: "in" is not an operator"#,
    );
}

#[test]
fn node_group_mistakes_are_explained() {
    let line = r#"        (name: "w2", zone: "b", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),"#;
    let src = with(
        line,
        r#"        (name_pattern: "w-{n}", count: 2, capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),"#,
    );
    expect(&src, 6, "\"w-{n}\"", "nodes[1].name_pattern: unknown placeholder {n}");
    let src = with(
        line,
        r#"        (name: "w3", count: 2, capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),"#,
    );
    expect(&src, 6, "2", "nodes[1].count: count makes a group");
    let src = with(
        line,
        r#"        (name_pattern: "W{i}", count: 2, capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),"#,
    );
    expect(&src, 6, "\"W{i}\"", r#"nodes[1].name_pattern: gives an invalid name: "W1" is not a valid name"#);
    let src = with(line, r#"        (zone: "b", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),"#);
    expect(&src, 6, "(", "nodes[1]: a node needs name (one node) or name_pattern and count (a group)");
    let src = with(
        line,
        r#"        (name: "w2", zone: "b", labels: {"topology.kubernetes.io/zone": "c"}, capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),"#,
    );
    expect(
        &src,
        6,
        "\"b\"",
        r#"nodes[1].zone: zone "b" disagrees with labels["topology.kubernetes.io/zone"] = "c""#,
    );
}

#[test]
fn every_problem_is_reported_in_file_order() {
    let src = with(r#"horizon: "1d""#, r#"horizon: "1x""#)
        .replace("kind: Deployment, replicas: 2", "kind: DaemonSet, replicas: 2");
    let errors = check_str(&src, "t.ron").unwrap_err();
    let lines: Vec<usize> = errors.iter().map(|e| e.diagnostic().unwrap().line).collect();
    assert_eq!(lines, [3, 12]);
    assert_eq!(load_str(&src, "t.ron").unwrap_err().diagnostic().unwrap().line, 3);
}

#[test]
fn hostile_input_never_panics() {
    let inputs = [
        "",
        "(",
        "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
        "(name: \"t\", horizon: \"99999999999999999999d\", nodes: [], agents: [], policies: [])",
        "(name: \"é\", horizon: \"1d\\é\")",
        "(name: r#\"x\"#, horizon: \"1d\", nodes: [(name_pattern: \"{i:09}\", count: 4294967295, first_index: 4294967295)])",
        "/* unterminated",
        "(name: \"t\", horizon: \"1d\", nodes: [(name: \"a\", capacity: {\"cpu\": \"99999999999999999999999Ei\"})])",
    ];
    for src in inputs {
        assert!(load_str(src, "x.ron").is_err(), "{src}");
    }
}

#[test]
fn every_truncation_and_single_deletion_gives_an_error_not_a_panic() {
    let cut_points: Vec<usize> = BASE.char_indices().map(|(i, _)| i).collect();
    for &i in &cut_points {
        let _ = load_str(&BASE[..i], "t.ron");
        let mut deleted = BASE.to_string();
        deleted.remove(i);
        if let Err(e) = load_str(&deleted, "t.ron") {
            let d = e.diagnostic().expect("content errors carry a position");
            assert!(d.line >= 1 && d.line <= BASE.lines().count(), "{e}");
        }
    }
}

// -------------------------------------------------------------------------------------------
// Events aimed at the node running a workload

#[test]
fn node_of_opens_and_closes_a_spell_on_the_same_target() {
    let timeline =
        r#"    timeline: [(at: "1h", node_of: "cluster-agent", event: Silent, for_duration: "20m")],"#;
    let s = load_str(&with("    timeline: [],", timeline), "t").unwrap();
    use taintsim::scenario::NodeTarget;
    assert_eq!(s.timeline.len(), 2);
    assert_eq!(s.timeline[0].target, NodeTarget::NodeOf { workload: "cluster-agent".into(), spell: Some(0) });
    assert_eq!(s.timeline[1].target, NodeTarget::SpellEnd { workload: "cluster-agent".into(), spell: 0 });
    assert_eq!(s.timeline[0].node_label(), "node of cluster-agent");
}

#[test]
fn node_of_must_name_a_deployment_or_pod_workload() {
    let daemon = r#"    timeline: [(at: "1h", node_of: "agent", event: Silent)],"#;
    let e = error(&with("    timeline: [],", daemon));
    assert!(
        e.starts_with("scenarios/t.ron:14:") && e.contains("timeline[0].node_of") && e.contains("DaemonSet"),
        "{e}"
    );
    let unknown = r#"    timeline: [(at: "1h", node_of: "nope", event: Silent)],"#;
    let e = error(&with("    timeline: [],", unknown));
    assert!(e.contains("timeline[0].node_of") && e.contains("unknown workload \"nope\""), "{e}");
    let both = r#"    timeline: [(at: "1h", node: "w1", node_of: "web", event: Silent)],"#;
    let e = error(&with("    timeline: [],", both));
    assert!(e.contains("not both"), "{e}");
}

#[test]
fn a_horizon_beyond_a_year_is_rejected() {
    let e = error(&with(r#"horizon: "1d","#, r#"horizon: "1000000d","#));
    assert!(
        e.starts_with("scenarios/t.ron:3:") && e.contains("horizon") && e.contains("at most 366d"),
        "{e}"
    );
}

// -------------------------------------------------------------------------------------------
// Pod metadata, volumes and one pod per node

/// `BASE` with the business workload line replaced by `web` plus `fields`.
fn web_with(fields: &str) -> String {
    with(
        r#"    workloads: [(name: "web", kind: Deployment, replicas: 2)],"#,
        &format!(r#"    workloads: [(name: "web", kind: Deployment, replicas: 2, {fields})],"#),
    )
}

#[test]
fn pod_labels_annotations_volumes_and_one_per_node_resolve() {
    let src = web_with(
        r#"labels: {"app": "web", "example.com/tier": ""}, annotations: {"karpenter.sh/do-not-disrupt": "true", "note": "free text, any characters: 50%"}, volumes: [(name: "scratch", emptyDir: ()), (name: "tmp", emptyDir: (medium: "Memory")), (name: "pages", emptyDir: (medium: "HugePages-2Mi")), (name: "logs", hostPath: ()), (name: "cfg", other: ())], one_per_node: true"#,
    );
    let s = load_str(&src, "t").unwrap();
    let t = &s.workloads[0].template;
    assert_eq!(t.labels.len(), 2);
    assert_eq!(t.labels["app"], "web");
    assert_eq!(t.labels["example.com/tier"], "");
    assert_eq!(t.annotations["karpenter.sh/do-not-disrupt"], "true");
    assert_eq!(t.annotations["note"], "free text, any characters: 50%");
    let volumes: Vec<(&str, VolumeSource)> =
        t.volumes.iter().map(|v| (v.name.as_str(), v.source.clone())).collect();
    assert_eq!(
        volumes,
        [
            ("scratch", VolumeSource::EmptyDir { medium: String::new() }),
            ("tmp", VolumeSource::EmptyDir { medium: "Memory".into() }),
            ("pages", VolumeSource::EmptyDir { medium: "HugePages-2Mi".into() }),
            ("logs", VolumeSource::HostPath),
            ("cfg", VolumeSource::Other),
        ]
    );
    assert!(t.one_per_node);

    // Left out: empty, and spread freely.
    let base = load_str(BASE, "t").unwrap();
    let t = &base.workloads[0].template;
    assert!(t.labels.is_empty() && t.annotations.is_empty() && t.volumes.is_empty() && !t.one_per_node);
    assert!(!t.labels.contains_key(WORKLOAD_LABEL), "the engine, not the loader, adds the workload label");
}

#[test]
fn pod_labels_and_annotations_follow_the_api_rules() {
    let src = web_with(r#"labels: {"app": "web", "bad key": "x"}"#);
    expect(&src, 12, "\"bad key\"", r#"workloads[0].labels["bad key"]: "bad key" is not a valid key"#);
    let src = web_with(r#"labels: {"app": "not valid!"}"#);
    expect(&src, 12, "\"not valid!\"", r#"workloads[0].labels["app"]: "not valid!" is not a valid value"#);
    let long = "x".repeat(64);
    let src = web_with(&format!(r#"labels: {{"app": "{long}"}}"#));
    expect(&src, 12, &format!("\"{long}\""), r#"workloads[0].labels["app"]: "#);
    let src = web_with(&format!(r#"labels: {{"example.com/{long}": "v"}}"#));
    expect(&src, 12, "\"example.com/", r#"workloads[0].labels["example.com/"#);
    let src = web_with(r#"labels: {"taintsim.io/workload": "web"}"#);
    expect(
        &src,
        12,
        "\"taintsim.io/workload\"",
        r#"workloads[0].labels["taintsim.io/workload"]: "taintsim.io/workload" is reserved: the simulator sets it"#,
    );
    let src = web_with(r#"annotations: {"/x": "v"}"#);
    expect(&src, 12, "\"/x\"", r#"workloads[0].annotations["/x"]: "/x" is not a valid key"#);
    let src = web_with(&format!(r#"annotations: {{"big": "{}"}}"#, "a".repeat(256 * 1024)));
    expect(
        &src,
        12,
        "{",
        "workloads[0].annotations: annotations take 262147 bytes, more than the API's limit",
    );
    let src = web_with(r#"labels: {"app": "a", "app": "b"}"#);
    expect(&src, 12, r#""app": "b""#, r#"workloads[0].labels["app"]: this key is written twice"#);
}

#[test]
fn volumes_need_one_source_and_unique_names() {
    let src = web_with(r#"volumes: [(name: "scratch")]"#);
    expect(&src, 12, "(name: \"scratch\"", "workloads[0].volumes[0]: a volume needs a source");
    let src = web_with(r#"volumes: [(name: "scratch", emptyDir: (), hostPath: ())]"#);
    expect(&src, 12, "())]", "workloads[0].volumes[0].hostPath: a volume has exactly one source");
    let src = web_with(r#"volumes: [(name: "a", other: ()), (name: "a", hostPath: ())]"#);
    let second = src.lines().nth(11).unwrap().rfind("\"a\"").unwrap() + 1;
    assert!(
        error(&src).starts_with(&format!(
            r#"scenarios/t.ron:12:{second}: workloads[0].volumes[1].name: volume name "a" is already used by workloads[0].volumes[0] (line 12)"#
        )),
        "{}",
        error(&src)
    );
    let src = web_with(r#"volumes: [(name: "Scratch", emptyDir: ())]"#);
    expect(&src, 12, "\"Scratch\"", r#"workloads[0].volumes[0].name: "Scratch" is not a valid volume name"#);
    let src = web_with(r#"volumes: [(name: "tmp", emptyDir: (medium: "memory"))]"#);
    expect(&src, 12, "\"memory\"", r#"workloads[0].volumes[0].emptyDir.medium: unknown medium "memory""#);
    let src = web_with(r#"volumes: [(name: "cfg", configMap: ())]"#);
    expect(
        &src,
        12,
        "configMap",
        "workloads[0].volumes[0].configMap: Unexpected field named `configMap` in `Volume`",
    );
    let src = web_with(r#"volumes: [(name: "logs", hostPath: (path: "/var/log"))]"#);
    expect(&src, 12, "path:", "workloads[0].volumes[0].hostPath.path: Unexpected field named `path`");
}

#[test]
fn one_per_node_is_for_scheduled_pods() {
    let src =
        with("(name: \"agent\", kind: DaemonSet,", "(name: \"agent\", kind: DaemonSet, one_per_node: true,");
    expect(&src, 9, "true", "agents[0].one_per_node: one_per_node does not apply to a DaemonSet");
    let src =
        with("kind: Deployment, replicas: 2)", "kind: Pod, count: 2, node_name: \"w1\", one_per_node: true)");
    expect(&src, 12, "true", "workloads[0].one_per_node: pods bound by node_name skip the scheduler");
    let src = with("kind: Deployment, replicas: 2)", "kind: Pod, count: 2, one_per_node: true)");
    assert!(load_str(&src, "t").unwrap().workloads[0].template.one_per_node);
    let src = web_with("one_per_node: 1");
    expect(&src, 12, "1)", "workloads[0].one_per_node: Expected boolean");
}

// -------------------------------------------------------------------------------------------
// PodDisruptionBudgets

/// `BASE` with `pdbs: [<list>]` on line 15, after the timeline.
fn pdbs(list: &str) -> String {
    with("    timeline: [],", &format!("    timeline: [],\n    pdbs: [{list}],"))
}

#[test]
fn pdbs_resolve_with_selectors_shorthands_and_defaults() {
    let src = with(
        "(name: \"cluster-agent\", kind: Deployment)",
        "(name: \"cluster-agent\", namespace: \"datadog\", kind: Deployment, labels: {\"app\": \"ca\"})",
    );
    let src = src.replace(
        "    timeline: [],",
        r#"    timeline: [],
    pdbs: [
        (name: "ca-pdb", namespace: "datadog", min_available: 1, selector: (match_labels: {"app": "ca"})),
        (name: "web-pdb", workload: "web", max_unavailable: "50%"),
        (name: "ca-by-name", workload: "cluster-agent", min_available: "100%", unhealthy_pod_eviction_policy: "AlwaysAllow"),
        (name: "tiers", selector: (match_expressions: [(key: "tier", operator: "In", values: ["a", "b"]), (key: "canary", operator: "DoesNotExist")]), max_unavailable: 0),
        (name: "everything", selector: (), min_available: 0, unhealthy_pod_eviction_policy: "IfHealthyBudget"),
    ],"#,
    );
    let s = load_str(&src, "t").unwrap();
    assert_eq!(s.pdbs.len(), 5);
    let [ca, web, by_name, tiers, all] = [&s.pdbs[0], &s.pdbs[1], &s.pdbs[2], &s.pdbs[3], &s.pdbs[4]];

    assert_eq!((ca.name.as_str(), ca.namespace.as_str()), ("ca-pdb", "datadog"));
    assert_eq!(ca.rule, BudgetRule::MinAvailable(IntOrPercent::Int(1)));
    assert_eq!(ca.selector.match_labels, BTreeMap::from([("app".to_string(), "ca".to_string())]));
    assert!(ca.selector.match_expressions.is_empty());
    assert_eq!(ca.unhealthy_pod_eviction_policy, UnhealthyPodEvictionPolicy::IfHealthyBudget);

    // The shorthand selects the workload's pods by the label the engine sets, in its namespace.
    assert_eq!(web.namespace, "default");
    assert_eq!(web.rule, BudgetRule::MaxUnavailable(IntOrPercent::Percent(50)));
    assert_eq!(web.selector.match_labels, BTreeMap::from([(WORKLOAD_LABEL.to_string(), "web".to_string())]));
    assert_eq!(by_name.namespace, "datadog");
    assert_eq!(by_name.rule, BudgetRule::MinAvailable(IntOrPercent::Percent(100)));
    assert_eq!(by_name.unhealthy_pod_eviction_policy, UnhealthyPodEvictionPolicy::AlwaysAllow);

    assert_eq!(tiers.namespace, "default");
    assert_eq!(tiers.rule, BudgetRule::MaxUnavailable(IntOrPercent::Int(0)));
    let exprs = &tiers.selector.match_expressions;
    assert_eq!((exprs[0].key.as_str(), exprs[0].operator), ("tier", SelectorOperator::In));
    assert_eq!(exprs[0].values, BTreeSet::from(["a".to_string(), "b".to_string()]));
    assert_eq!((exprs[1].operator, exprs[1].values.len()), (SelectorOperator::DoesNotExist, 0));

    // An empty selector selects every pod of the namespace.
    assert_eq!(all.selector, Default::default());
    let labels = BTreeMap::from([("anything".to_string(), "x".to_string())]);
    assert!(all.selector.matches(&labels));
    assert!(load_str(BASE, "t").unwrap().pdbs.is_empty());
}

#[test]
fn pdb_budget_values_are_counts_or_strict_percentages() {
    let one = |value: &str| pdbs(&format!(r#"(name: "p", workload: "web", {value})"#));
    let src = one("min_available: 1, max_unavailable: 1");
    expect(&src, 15, "1)", "pdbs[0].max_unavailable: give min_available or max_unavailable, not both");
    let src = one("unhealthy_pod_eviction_policy: \"AlwaysAllow\"");
    expect(&src, 15, "(name", "pdbs[0]: a budget needs min_available or max_unavailable");
    let src = one("min_available: -1");
    expect(&src, 15, "-1", "pdbs[0].min_available: -1 is negative (a count is 0 or more)");
    let src = one("max_unavailable: \"5\"");
    expect(
        &src,
        15,
        "\"5\"",
        r#"pdbs[0].max_unavailable: "5" is a count written as text: write it as a bare number (5)"#,
    );
    let src = one("max_unavailable: \"50 %\"");
    expect(&src, 15, "\"50 %\"", r#"pdbs[0].max_unavailable: "50 %" is not a percentage"#);
    let src = one("min_available: \"150%\"");
    expect(&src, 15, "\"150%\"", r#"pdbs[0].min_available: "150%" is more than 100%"#);
    let src = one("min_available: 1.5");
    expect(&src, 15, "1.5", "pdbs[0].min_available: 1.5 is not a whole number");
    let src = one("min_available: 3000000000");
    expect(&src, 15, "3000000000", "pdbs[0].min_available: 3000000000 is too large");
    let src = one("min_available: true");
    expect(&src, 15, "true", "pdbs[0].min_available: ");
}

#[test]
fn pdb_selectors_and_targets_are_checked() {
    let src = pdbs(r#"(name: "p", min_available: 1)"#);
    expect(&src, 15, "(name", "pdbs[0]: a budget needs selector or workload");
    let src = pdbs(r#"(name: "p", min_available: 1, selector: (), workload: "web")"#);
    expect(&src, 15, "\"web\"", "pdbs[0].workload: give selector or workload, not both");
    let src = pdbs(r#"(name: "p", min_available: 1, workload: "nope")"#);
    expect(
        &src,
        15,
        "\"nope\"",
        r#"pdbs[0].workload: unknown workload "nope" (known: web, agent, cluster-agent)"#,
    );
    let src = pdbs(r#"(name: "p", namespace: "other", min_available: 1, workload: "web")"#);
    expect(&src, 15, "\"other\"", r#"pdbs[0].namespace: workload "web" runs in namespace "default""#);
    let src = pdbs(r#"(name: "p", namespace: "Bad", min_available: 1, selector: ())"#);
    expect(&src, 15, "\"Bad\"", r#"pdbs[0].namespace: "Bad" is not a valid namespace"#);
    let src = pdbs(r#"(name: "P", min_available: 1, selector: ())"#);
    expect(&src, 15, "\"P\"", r#"pdbs[0].name: "P" is not a valid name"#);
    let src = pdbs(r#"(name: "p", min_available: 1, selector: (match_labels: {"a b": "c"}))"#);
    expect(&src, 15, "\"a b\"", r#"pdbs[0].selector.match_labels["a b"]: "a b" is not a valid key"#);
    let src = pdbs(
        r#"(name: "p", min_available: 1, selector: (match_expressions: [(key: "k", operator: "in", values: ["v"])]))"#,
    );
    expect(
        &src,
        15,
        "\"in\"",
        r#"pdbs[0].selector.match_expressions[0].operator: "in" is not an operator (In, NotIn, Exists or DoesNotExist)"#,
    );
    let src = pdbs(
        r#"(name: "p", min_available: 1, selector: (match_expressions: [(key: "k", operator: "NotIn")]))"#,
    );
    expect(
        &src,
        15,
        "(key",
        "pdbs[0].selector.match_expressions[0].values: In and NotIn need at least one value",
    );
    let src = pdbs(
        r#"(name: "p", min_available: 1, selector: (match_expressions: [(key: "k", operator: "Exists", values: ["v"])]))"#,
    );
    expect(
        &src,
        15,
        "[\"v\"]",
        "pdbs[0].selector.match_expressions[0].values: Exists and DoesNotExist take no values",
    );
    let src = pdbs(
        r#"(name: "p", min_available: 1, selector: (match_expressions: [(key: "k", operator: "In", values: ["a", "b c"])]))"#,
    );
    expect(
        &src,
        15,
        "\"b c\"",
        r#"pdbs[0].selector.match_expressions[0].values[1]: "b c" is not a valid value"#,
    );
    let src = pdbs(r#"(name: "p", min_available: 1, selector: (matchLabels: {"a": "b"}))"#);
    expect(
        &src,
        15,
        "matchLabels",
        "pdbs[0].selector.matchLabels: Unexpected field named `matchLabels` in `LabelSelector`",
    );
    let src =
        pdbs(r#"(name: "p", workload: "web", min_available: 1, unhealthy_pod_eviction_policy: "Always")"#);
    expect(
        &src,
        15,
        "\"Always\"",
        r#"pdbs[0].unhealthy_pod_eviction_policy: "Always" is not a policy (IfHealthyBudget or AlwaysAllow)"#,
    );
    let src = pdbs(r#"(name: "p", workload: "web", min_available: 1, min_avialable: 2)"#);
    expect(
        &src,
        15,
        "min_avialable",
        "pdbs[0].min_avialable: Unexpected field named `min_avialable` in `Pdb`",
    );
}

#[test]
fn pdb_names_are_unique_per_namespace() {
    let src = pdbs(
        r#"(name: "p", workload: "web", min_available: 1), (name: "p", namespace: "other", selector: (), min_available: 1)"#,
    );
    assert_eq!(load_str(&src, "t").unwrap().pdbs.len(), 2, "the same name in another namespace is fine");
    let src = pdbs(
        r#"(name: "p", workload: "web", min_available: 1), (name: "p", selector: (), min_available: 1)"#,
    );
    let second = src.lines().nth(14).unwrap().rfind("\"p\"").unwrap() + 1;
    assert!(
        error(&src).starts_with(&format!(
            r#"scenarios/t.ron:15:{second}: pdbs[1].name: budget "p" in namespace "default" is already defined by pdbs[0] (line 15)"#
        )),
        "{}",
        error(&src)
    );
}

// -------------------------------------------------------------------------------------------
// Drain events

/// `BASE` with `timeline: [<list>]` on line 14.
fn timeline(list: &str) -> String {
    with("    timeline: [],", &format!("    timeline: [{list}],"))
}

#[test]
fn drain_events_resolve_with_each_drainers_default_timeout() {
    let src = timeline(
        r#"(at: "1h", node: "w1", event: Drain, drainer: "kubectl", down_for: "15m"), (at: "2h", node: "w2", event: Drain, drainer: "cluster-api", timeout: "10m", down_for: "1h"), (at: "3h", node_of: "web", event: Drain, drainer: "karpenter", down_for: "5m"), (at: "4h", node: "w1", event: Drain, drainer: "cluster-autoscaler", down_for: "30m"), (at: "5h", node: "w2", event: Drain, drainer: "cluster-autoscaler", timeout: "2m", down_for: "30m")"#,
    );
    let s = load_str(&src, "t").unwrap();
    let spec = |drainer, timeout: Option<u64>, down_for| DrainSpec {
        drainer,
        timeout: timeout.map(Duration::from_secs),
        down_for: Duration::from_secs(down_for),
        interruption: false,
    };
    let got: Vec<(SimTime, String, DrainSpec)> = s
        .timeline
        .iter()
        .map(|e| match &e.action {
            TimelineAction::Drain { node, drain } => (e.at, node.clone(), drain.clone()),
            other => panic!("not a drain: {other:?}"),
        })
        .collect();
    assert_eq!(
        got,
        [
            (hours(1), "w1".to_string(), spec(Drainer::Kubectl, None, 900)),
            (hours(2), "w2".to_string(), spec(Drainer::ClusterApi, Some(600), 3600)),
            (hours(3), String::new(), spec(Drainer::Karpenter, None, 300)),
            (hours(4), "w1".to_string(), spec(Drainer::ClusterAutoscaler, Some(600), 1800)),
            (hours(5), "w2".to_string(), spec(Drainer::ClusterAutoscaler, Some(120), 1800)),
        ]
    );
    use taintsim::scenario::NodeTarget;
    assert_eq!(s.timeline[2].target, NodeTarget::NodeOf { workload: "web".into(), spell: None });
    assert_eq!(s.timeline[2].node_label(), "node of web");
    assert_eq!(s.timeline[0].node_label(), "w1");
}

#[test]
fn drain_fields_are_checked() {
    let src = timeline(r#"(at: "1h", node: "w1", event: Drain, down_for: "15m")"#);
    expect(&src, 14, "(at", "timeline[0].drainer: Drain needs drainer");
    let src = timeline(r#"(at: "1h", node: "w1", event: Drain, drainer: "kubectl")"#);
    expect(&src, 14, "(at", "timeline[0].down_for: Drain needs down_for");
    let src = timeline(r#"(at: "1h", event: Drain, drainer: "kubectl", down_for: "15m")"#);
    expect(&src, 14, "(at", "timeline[0].node: Drain needs node");
    let src = timeline(r#"(at: "1h", node: "w1", event: Drain, drainer: "kured", down_for: "15m")"#);
    expect(
        &src,
        14,
        "\"kured\"",
        r#"timeline[0].drainer: unknown drainer "kured" (kubectl, cluster-api, karpenter or cluster-autoscaler)"#,
    );
    let src = timeline(r#"(at: "1h", node: "w1", event: Drain, drainer: kubectl, down_for: "15m")"#);
    expect(&src, 14, "kubectl", "timeline[0].drainer: Expected string");
    let src = timeline(r#"(at: "1h", node: "w1", event: Drain, drainer: "kubectl", down_for: "0s")"#);
    expect(&src, 14, "\"0s\"", "timeline[0].down_for: must be longer than zero");
    let src = timeline(r#"(at: "1h", node: "w1", event: Drain, drainer: "kubectl", down_for: "15 min")"#);
    expect(&src, 14, "\"15 min\"", r#"timeline[0].down_for: bad duration "15 min""#);
    let src = timeline(
        r#"(at: "1h", node: "w1", event: Drain, drainer: "kubectl", timeout: "0", down_for: "15m")"#,
    );
    expect(
        &src,
        14,
        "\"0\"",
        "timeline[0].timeout: must be longer than zero (leave timeout out for no limit)",
    );
    let src = timeline(
        r#"(at: "1h", node: "w1", event: Drain, drainer: "cluster-autoscaler", timeout: "0s", down_for: "15m")"#,
    );
    expect(
        &src,
        14,
        "\"0s\"",
        "timeline[0].timeout: must be longer than zero (leave timeout out for the default 10m)",
    );
    let src = timeline(
        r#"(at: "1h", node: "w1", event: Drain, drainer: "kubectl", down_for: "15m", for_duration: "1h")"#,
    );
    expect(
        &src,
        14,
        "\"1h\")",
        "timeline[0].for_duration: for_duration is only for Silent, NotReady, AddTaint, Cordon, UsageSpike and InjectCondition (a Drain or SpotInterruption brings the node back itself, after down_for)",
    );
    for field in [r#"drainer: "kubectl""#, r#"timeout: "1m""#, r#"down_for: "1m""#] {
        let src = timeline(&format!(r#"(at: "1h", node: "w1", event: Cordon, {field})"#));
        let name = field.split(':').next().unwrap();
        let value = field.split_once(": ").unwrap().1;
        expect(&src, 14, value, &format!("timeline[0].{name}: {name} is only for Drain"));
    }
}

#[test]
fn drains_replay_with_the_other_node_events() {
    let src = timeline(r#"(at: "1h", node: "w9", event: Drain, drainer: "kubectl", down_for: "15m")"#);
    expect(&src, 14, "\"w9\"", r#"timeline[0].node: unknown node "w9" (known: w1, w2)"#);
    let src = timeline(
        r#"(at: "1h", node: "w2", event: RemoveNode), (at: "2h", node: "w2", event: Drain, drainer: "karpenter", down_for: "15m")"#,
    );
    let second = src.lines().nth(13).unwrap().rfind("\"w2\"").unwrap() + 1;
    assert!(
        error(&src).starts_with(&format!(
            r#"scenarios/t.ron:14:{second}: timeline[1].node: node "w2" was removed at 1h by timeline[0] (line 14)"#
        )),
        "{}",
        error(&src)
    );
    let src = timeline(r#"(at: "25h", node: "w1", event: Drain, drainer: "kubectl", down_for: "15m")"#);
    expect(&src, 14, "\"25h\"", "timeline[0].at: 1d1h is after the horizon (1d)");
    // Only the start counts against the horizon: how long the drain takes is not known.
    let src = timeline(r#"(at: "23h59m", node: "w1", event: Drain, drainer: "kubectl", down_for: "6h")"#);
    assert!(load_str(&src, "t").is_ok());
    let src = timeline(r#"(at: "1h", node_of: "agent", event: Drain, drainer: "kubectl", down_for: "15m")"#);
    expect(&src, 14, "\"agent\"", r#"timeline[0].node_of: "agent" is a DaemonSet"#);
}

// -------------------------------------------------------------------------------------------
// Usage models, usage spikes and injected pressure conditions

fn quantity(text: &str) -> Quantity {
    Quantity::parse(text).unwrap()
}

#[test]
fn usage_models_resolve_on_workloads_and_agents() {
    let src = web_with(
        r#"usage: (memory: (start: "400Mi", min: "200Mi", max: "1500Mi", step: "50Mi", every: "1m"), cpu: "200m", ephemeral_storage: "1Gi", pids: 120)"#,
    );
    let src = src.replace(
        r#"(name: "cluster-agent", kind: Deployment)"#,
        r#"(name: "cluster-agent", kind: Deployment, usage: (pids: (start: "10", min: 5, max: 1e3, step: 3, every: "30s")))"#,
    );
    let s = load_str(&src, "t").unwrap();
    assert_eq!(
        s.workloads[0].template.usage,
        PodUsage {
            memory: Some(UsageModel::RandomWalk {
                start: quantity("400Mi"),
                min: quantity("200Mi"),
                max: quantity("1500Mi"),
                step: quantity("50Mi"),
                every: Duration::from_secs(60),
            }),
            cpu: Some(UsageModel::Constant(quantity("200m"))),
            ephemeral_storage: Some(UsageModel::Constant(quantity("1Gi"))),
            pids: Some(UsageModel::Constant(Quantity::from_units(120))),
        }
    );
    assert_eq!(
        s.agents[1].template.usage.model(UsageResource::Pids),
        Some(&UsageModel::RandomWalk {
            start: Quantity::from_units(10),
            min: Quantity::from_units(5),
            max: Quantity::from_units(1000),
            step: Quantity::from_units(3),
            every: Duration::from_secs(30),
        })
    );
    // Left out, or written empty: no model, so each resource uses its request.
    assert_eq!(s.agents[0].template.usage, PodUsage::default());
    let empty = load_str(&web_with("usage: ()"), "t").unwrap();
    assert_eq!(empty.workloads[0].template.usage, PodUsage::default());
    // `Some(...)` is accepted as everywhere else.
    let some = load_str(&web_with(r#"usage: Some((memory: Some("1Gi")))"#), "t").unwrap();
    assert_eq!(some.workloads[0].template.usage.memory, Some(UsageModel::Constant(quantity("1Gi"))));
}

#[test]
fn usage_mistakes_point_at_the_value() {
    // Shape: unknown fields, missing and repeated walk fields, wrong types.
    let src = web_with(r#"usage: (memroy: "1Gi")"#);
    expect(&src, 12, "memroy", "workloads[0].usage.memroy: Unexpected field named `memroy` in `Usage`");
    let src = web_with(r#"usage: ("ephemeral-storage": "1Gi")"#);
    expect(&src, 12, "\"ephemeral-storage\"", "workloads[0].usage.ephemeral-storage: Expected identifier");
    let src = web_with(r#"usage: (memory: (start: "1Gi", mn: "0", max: "2Gi", step: "1Mi", every: "1m"))"#);
    expect(
        &src,
        12,
        "mn:",
        "workloads[0].usage.memory.mn: Unexpected field named `mn` in `RandomWalk`, expected one of `start`, `min`, `max`, `step`, `every`",
    );
    let src = web_with(r#"usage: (memory: (start: "1Gi", max: "2Gi", step: "1Mi", every: "1m"))"#);
    expect(&src, 12, "))", "workloads[0].usage.memory.min: missing field `min`");
    let src = web_with(
        r#"usage: (memory: (start: "1Gi", min: "0", max: "2Gi", min: "1", step: "1Mi", every: "1m"))"#,
    );
    expect(
        &src,
        12,
        "min: \"1\"",
        "workloads[0].usage.memory.min: Unexpected duplicate field named `min` in `RandomWalk`",
    );
    let src = web_with("usage: (memory: true)");
    expect(
        &src,
        12,
        "true",
        r#"workloads[0].usage.memory: Expected a quantity such as "700Mi" or 120, or a random walk"#,
    );
    let src = web_with(r#"usage: (cpu: (start: "1", min: "0", max: "2", step: "1", every: 60))"#);
    expect(&src, 12, "60", "workloads[0].usage.cpu.every: Expected string (write text in double quotes)");

    // Values.
    let src = web_with(r#"usage: (memory: "700 MB")"#);
    expect(
        &src,
        12,
        "\"700 MB\"",
        r#"workloads[0].usage.memory: invalid quantity "700 MB": unknown suffix " MB""#,
    );
    let src = web_with(r#"usage: (cpu: "-200m")"#);
    expect(&src, 12, "\"-200m\"", r#"workloads[0].usage.cpu: "-200m" is negative"#);
    let src = web_with("usage: (pids: 1.5)");
    expect(&src, 12, "1.5", r#"workloads[0].usage.pids: "1.5" is not a whole number (pids count processes)"#);
    let src = web_with(r#"usage: (pids: (start: 10, min: 0, max: 100, step: "500m", every: "1m"))"#);
    expect(
        &src,
        12,
        "\"500m\"",
        r#"workloads[0].usage.pids.step: "500m" is not a whole number (pids count processes)"#,
    );
    let walk = |fields: &str| web_with(&format!("usage: (ephemeral_storage: ({fields}))"));
    let src = walk(r#"start: "1Gi", min: "0", max: "2Gi", step: "-1Mi", every: "1m""#);
    expect(&src, 12, "\"-1Mi\"", r#"workloads[0].usage.ephemeral_storage.step: "-1Mi" is negative"#);
    let src = walk(r#"start: "1Gi", min: "2Gi", max: "1Gi", step: "1Mi", every: "1m""#);
    expect(
        &src,
        12,
        "\"1Gi\", step",
        "workloads[0].usage.ephemeral_storage.max: max 1Gi is less than min 2Gi",
    );
    let src = walk(r#"start: "3Gi", min: "1Gi", max: "2Gi", step: "1Mi", every: "1m""#);
    expect(
        &src,
        12,
        "\"3Gi\"",
        "workloads[0].usage.ephemeral_storage.start: start 3Gi is outside min 1Gi to max 2Gi",
    );
    let src = walk(r#"start: "512Mi", min: "1Gi", max: "2Gi", step: "1Mi", every: "1m""#);
    expect(
        &src,
        12,
        "\"512Mi\"",
        "workloads[0].usage.ephemeral_storage.start: start 512Mi is outside min 1Gi to max 2Gi",
    );
    let src = walk(r#"start: "1Gi", min: "1Gi", max: "2Gi", step: "1Mi", every: "0s""#);
    expect(&src, 12, "\"0s\"", "workloads[0].usage.ephemeral_storage.every: must be longer than zero");
    let src = walk(r#"start: "1Gi", min: "1Gi", max: "2Gi", step: "1Mi", every: "60""#);
    expect(
        &src,
        12,
        "\"60\"",
        r#"workloads[0].usage.ephemeral_storage.every: bad duration "60": missing unit"#,
    );

    // Agents take the same field, with the same paths.
    let src = with("kind: DaemonSet,", r#"kind: DaemonSet, usage: (memory: "-1"),"#);
    expect(&src, 9, "\"-1\"", r#"agents[0].usage.memory: "-1" is negative"#);
}

#[test]
fn usage_spikes_and_injected_conditions_resolve_and_expand() {
    let src = timeline(
        r#"(at: "9h", node: "w1", event: UsageSpike, workload: "web", resource: "memory", amount: "3Gi", for_duration: "30m"), (at: "10h", node: "w2", event: UsageSpike, workload: "agent", resource: "pids", amount: 500), (at: "2h", node: "w1", event: InjectCondition, condition: "MemoryPressure", status: true, for_duration: "20m"), (at: "3h", node: "w2", event: InjectCondition, condition: "PIDPressure"), (at: "4h", node: "w2", event: InjectCondition, condition: "DiskPressure", status: false)"#,
    );
    let s = load_str(&src, "t").unwrap();
    let minutes = |m: u64| SimTime::from_secs(m * 60);
    let spike = |node: &str, workload: &str, resource, amount: Quantity| TimelineAction::UsageSpike {
        node: node.into(),
        workload: Some(workload.into()),
        resource,
        amount,
    };
    let inject = |node: &str, condition, status| TimelineAction::InjectCondition {
        node: node.into(),
        condition,
        status,
    };
    let got: Vec<(SimTime, TimelineAction)> = s.timeline.iter().map(|e| (e.at, e.action.clone())).collect();
    assert_eq!(
        got,
        [
            (hours(2), inject("w1", PressureCondition::Memory, true)),
            (minutes(140), inject("w1", PressureCondition::Memory, false)),
            (hours(3), inject("w2", PressureCondition::Pid, true)),
            (hours(4), inject("w2", PressureCondition::Disk, false)),
            (hours(9), spike("w1", "web", UsageResource::Memory, quantity("3Gi"))),
            (
                minutes(570),
                TimelineAction::UsageSpikeEnd {
                    node: "w1".into(),
                    workload: Some("web".into()),
                    resource: UsageResource::Memory,
                    amount: quantity("3Gi"),
                }
            ),
            // Without for_duration the spike lasts to the horizon.
            (hours(10), spike("w2", "agent", UsageResource::Pids, Quantity::from_units(500))),
        ]
    );
    assert!(s.timeline.iter().all(|e| e.target == NodeTarget::Named));

    // node_of: the end of the spell goes to the node the start went to.
    let src = timeline(
        r#"(at: "1h", node_of: "cluster-agent", event: UsageSpike, workload: "cluster-agent", resource: "ephemeral-storage", amount: "2Gi", for_duration: "1h"), (at: "5h", node_of: "web", event: InjectCondition, condition: "DiskPressure", for_duration: "10m")"#,
    );
    let s = load_str(&src, "t").unwrap();
    let targets: Vec<(&str, NodeTarget)> = s
        .timeline
        .iter()
        .map(|e| {
            let what = match &e.action {
                TimelineAction::UsageSpike { node, resource, .. } => {
                    assert!(node.is_empty() && *resource == UsageResource::EphemeralStorage);
                    "spike"
                }
                TimelineAction::UsageSpikeEnd { .. } => "spike end",
                TimelineAction::InjectCondition { status: true, .. } => "set",
                TimelineAction::InjectCondition { status: false, .. } => "clear",
                other => panic!("unexpected {other:?}"),
            };
            (what, e.target.clone())
        })
        .collect();
    let of = |w: &str, spell| NodeTarget::NodeOf { workload: w.into(), spell: Some(spell) };
    let end = |w: &str, spell| NodeTarget::SpellEnd { workload: w.into(), spell };
    assert_eq!(
        targets,
        [
            ("spike", of("cluster-agent", 0)),
            ("spike end", end("cluster-agent", 0)),
            ("set", of("web", 1)),
            ("clear", end("web", 1)),
        ]
    );
}

#[test]
fn usage_spike_fields_are_checked() {
    let spike = |rest: &str| timeline(&format!(r#"(at: "1h", node: "w1", event: UsageSpike, {rest})"#));
    // Without a workload the node itself uses more, outside its pods.
    let src = spike(r#"resource: "memory", amount: "1Gi""#);
    let s = load_str(&src, "t").unwrap();
    assert!(matches!(&s.timeline[0].action, TimelineAction::UsageSpike { workload: None, .. }));
    let src = spike(r#"workload: "web", amount: "1Gi""#);
    expect(&src, 14, "(at", "timeline[0].resource: UsageSpike needs resource");
    let src = spike(r#"workload: "web", resource: "memory""#);
    expect(&src, 14, "(at", "timeline[0].amount: UsageSpike needs amount");
    let src = spike(r#"workload: "db", resource: "memory", amount: "1Gi""#);
    expect(
        &src,
        14,
        "\"db\"",
        r#"timeline[0].workload: unknown workload "db" (known: web, agent, cluster-agent)"#,
    );
    let src = spike(r#"workload: "web", resource: "ephemeral_storage", amount: "1Gi""#);
    expect(
        &src,
        14,
        "\"ephemeral_storage\"",
        r#"timeline[0].resource: unknown resource "ephemeral_storage" (memory, cpu, ephemeral-storage, pids)"#,
    );
    let src = spike(r#"workload: "web", resource: memory, amount: "1Gi""#);
    expect(&src, 14, "memory", "timeline[0].resource: Expected string (write text in double quotes)");
    let src = spike(r#"workload: "web", resource: "memory", amount: "-1Gi""#);
    expect(&src, 14, "\"-1Gi\"", r#"timeline[0].amount: "-1Gi" is negative"#);
    let src = spike(r#"workload: "web", resource: "cpu", amount: 0"#);
    expect(&src, 14, "0)", "timeline[0].amount: must be more than zero (a spike of nothing changes nothing)");
    let src = spike(r#"workload: "web", resource: "pids", amount: "2.5""#);
    expect(&src, 14, "\"2.5\"", r#"timeline[0].amount: "2.5" is not a whole number (pids count processes)"#);
    let src = spike(r#"workload: "web", resource: "mem", amount: "lots""#);
    let errors: Vec<String> = check_str(&src, "t").unwrap_err().iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "the amount is checked even when the resource is unknown: {errors:?}");
    assert!(errors[1].contains(r#"timeline[0].amount: invalid quantity "lots""#), "{errors:?}");
    let src = spike(r#"workload: "web", resource: "memory", amount: "1Gi", for_duration: "23h30m""#);
    expect(
        &src,
        14,
        "\"23h30m\"",
        "timeline[0].for_duration: the spell ends at 1d30m, after the horizon (1d)",
    );
    let src = spike(r#"workload: "web", resource: "memory", amount: "1Gi", for_duration: "0s""#);
    expect(&src, 14, "\"0s\"", "timeline[0].for_duration: must be longer than zero");
    let src = timeline(
        r#"(at: "1h", node: "w9", event: UsageSpike, workload: "web", resource: "memory", amount: "1Gi")"#,
    );
    expect(&src, 14, "\"w9\"", r#"timeline[0].node: unknown node "w9" (known: w1, w2)"#);
    let src = timeline(
        r#"(at: "1h", node: "w1", event: UsageSpike, workload: "web", resource: "cpu", amount: "1", for_duration: "2h"), (at: "2h", node: "w1", event: RemoveNode)"#,
    );
    expect(
        &src,
        14,
        "\"2h\")",
        "timeline[0].for_duration: node \"w1\" was removed at 2h by timeline[1] (line 14)",
    );
    let src = timeline(
        r#"(at: "1h", node_of: "agent", event: UsageSpike, workload: "agent", resource: "cpu", amount: "1")"#,
    );
    expect(&src, 14, "\"agent\"", r#"timeline[0].node_of: "agent" is a DaemonSet"#);
}

#[test]
fn injected_condition_fields_are_checked() {
    let src = timeline(r#"(at: "1h", node: "w1", event: InjectCondition)"#);
    expect(&src, 14, "(at", "timeline[0].condition: InjectCondition needs condition");
    let src = timeline(r#"(at: "1h", node: "w1", event: InjectCondition, condition: "memoryPressure")"#);
    expect(
        &src,
        14,
        "\"memoryPressure\"",
        r#"timeline[0].condition: unknown condition "memoryPressure" (MemoryPressure, DiskPressure or PIDPressure)"#,
    );
    let src = timeline(r#"(at: "1h", node: "w1", event: InjectCondition, condition: "Ready")"#);
    expect(&src, 14, "\"Ready\"", r#"timeline[0].condition: unknown condition "Ready""#);
    let src = timeline(
        r#"(at: "1h", node: "w1", event: InjectCondition, condition: "DiskPressure", status: "True")"#,
    );
    expect(&src, 14, "\"True\"", "timeline[0].status: Expected boolean");
    let src = timeline(
        r#"(at: "1h", node: "w1", event: InjectCondition, condition: "DiskPressure", status: false, for_duration: "1h")"#,
    );
    expect(
        &src,
        14,
        "\"1h\")",
        "timeline[0].for_duration: for_duration needs status: true (the spell sets the condition and clears it at its end)",
    );
    let src = timeline(r#"(at: "1h", event: InjectCondition, condition: "DiskPressure")"#);
    expect(&src, 14, "(at", "timeline[0].node: InjectCondition needs node");
    let src = timeline(
        r#"(at: "1h", node: "w1", event: InjectCondition, condition: "DiskPressure", status: true, cause: "x")"#,
    );
    expect(&src, 14, "cause", "timeline[0].cause: Unexpected field named `cause` in `TimelineEvent`");
}

#[test]
fn spike_and_condition_fields_are_only_for_their_events() {
    let fields = [
        (r#"workload: "web""#, "UsageSpike"),
        (r#"resource: "cpu""#, "UsageSpike"),
        (r#"amount: "1""#, "UsageSpike"),
        (r#"condition: "DiskPressure""#, "InjectCondition"),
        ("status: true", "InjectCondition"),
    ];
    for (field, event) in fields {
        let src = timeline(&format!(r#"(at: "1h", node: "w1", event: Cordon, {field})"#));
        let (name, value) = field.split_once(": ").unwrap();
        expect(&src, 14, value, &format!("timeline[0].{name}: {name} is only for {event}"));
    }
    // Across the two new events too.
    let src = timeline(
        r#"(at: "1h", node: "w1", event: InjectCondition, condition: "DiskPressure", amount: "1Gi")"#,
    );
    expect(&src, 14, "\"1Gi\"", "timeline[0].amount: amount is only for UsageSpike");
    let src = timeline(
        r#"(at: "1h", node: "w1", event: UsageSpike, workload: "web", resource: "cpu", amount: "1", status: false)"#,
    );
    expect(&src, 14, "false", "timeline[0].status: status is only for InjectCondition");
    let src = timeline(
        r#"(at: "1h", node: "w1", event: UsageSpike, workload: "web", resource: "cpu", amount: "1", drainer: "kubectl")"#,
    );
    expect(&src, 14, "\"kubectl\"", "timeline[0].drainer: drainer is only for Drain");
}

#[test]
fn cutting_usage_and_pressure_events_anywhere_gives_an_error_not_a_panic() {
    let src = timeline(
        r#"(at: "1h", node_of: "web", event: UsageSpike, workload: "web", resource: "pids", amount: 5, for_duration: "1h"), (at: "2h", node: "w1", event: InjectCondition, condition: "PIDPressure", status: true, for_duration: "1h")"#,
    )
    .replace(
        "kind: DaemonSet,",
        r#"kind: DaemonSet, usage: (memory: (start: "1Gi", min: "0", max: "2Gi", step: "1Mi", every: "1m"), pids: 3),"#,
    );
    assert!(load_str(&src, "t").is_ok());
    for (i, _) in src.char_indices() {
        let _ = load_str(&src[..i], "t.ron");
        let mut deleted = src.clone();
        deleted.remove(i);
        if let Err(e) = load_str(&deleted, "t.ron") {
            let d = e.diagnostic().expect("content errors carry a position");
            assert!(d.line >= 1 && d.line <= src.lines().count(), "{e}");
        }
    }
}
