//! Importing Kubernetes objects: the shared node lists and the Alibaba "small" set, the
//! grouping of pods into workloads, policies from values files, the round trip import ->
//! scenario file -> run against running on the raw inputs, and malformed input.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use taintsim::engine::comparison::run_comparison;
use taintsim::import::{Inputs, compose};
use taintsim::scenario::{Scenario, WorkloadKind, check_str};

mod common;
use common::{taintsim, text};

const DATA: &str = "tests/data/import";
const SHARED: &str = "../shared/data";
const AGENTS: &str = "scenarios/threatmapper-agents.yaml";
const REPORTS: [&str; 4] = ["report.md", "summary.json", "timeseries.csv", "drains.csv"];

fn data(name: &str) -> PathBuf {
    Path::new(DATA).join(name)
}

/// The shared data folder beside the repository, when it is there.
fn shared(name: &str) -> Option<PathBuf> {
    let p = Path::new(SHARED).join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is not there", p.display());
        None
    }
}

fn load(inputs: &Inputs) -> (String, Scenario) {
    let composed = compose(inputs).unwrap_or_else(|e| panic!("compose: {e}"));
    let scenario =
        check_str(&composed.source, "composed").unwrap_or_else(|e| panic!("{}\n{}", e[0], composed.source));
    (composed.source, scenario)
}

fn workload<'a>(sc: &'a Scenario, name: &str) -> &'a taintsim::scenario::Workload {
    sc.workloads
        .iter()
        .chain(&sc.agents)
        .find(|w| w.name == name)
        .unwrap_or_else(|| panic!("no workload {name}"))
}

#[test]
fn every_shared_node_list_imports_with_the_default_agents_policies_and_timeline() {
    let expected =
        [("nodes-eks.yaml", 2usize), ("nodes-aks-gpu.yaml", 1), ("nodes-openshift-gcp-controlplane.yaml", 6)];
    for (file, count) in expected {
        let Some(path) = shared(file) else { continue };
        let (_, sc) = load(&Inputs { nodes: Some(path), ..Inputs::default() });
        assert_eq!(sc.nodes.len(), count, "{file}");
        let default = taintsim::scenario::default_scenario();
        assert_eq!(sc.agents, default.agents, "{file}: the default agents");
        assert_eq!(sc.policies, default.policies, "{file}: the default policies");
        assert_eq!(sc.horizon, default.horizon);
        // Events aimed at the node of a workload keep working on any node list.
        let aimed =
            |s: &Scenario| s.timeline.iter().filter(|e| e.node_label().starts_with("node of ")).count();
        let kept_workloads: Vec<&str> = sc.workloads.iter().map(|w| w.name.as_str()).collect();
        let default_aimed = default
            .timeline
            .iter()
            .filter(|e| {
                let label = e.node_label();
                let w = label.strip_prefix("node of ").unwrap_or("");
                !w.is_empty() && (kept_workloads.contains(&w) || default.agents.iter().any(|a| a.name == w))
            })
            .count();
        assert_eq!(aimed(&sc), default_aimed, "{file}");
        // The node the default timeline adds belongs to the default cluster: it is left out.
        assert!(
            !sc.timeline.iter().any(|e| matches!(e.action, taintsim::scenario::TimelineAction::AddNode(_))),
            "{file}"
        );
        for n in &sc.nodes {
            assert!(n.allocatable.get("cpu").milli() > 0 && n.allocatable.get("pods").milli() > 0, "{file}");
        }
    }
    if let Some(path) = shared("nodes-eks.yaml") {
        let (_, sc) = load(&Inputs { nodes: Some(path), ..Inputs::default() });
        let gpu = sc.nodes.iter().find(|n| n.name == "ip-10-0-1-22.ec2.internal").unwrap();
        assert_eq!(gpu.allocatable.get("nvidia.com/gpu").milli(), 1000);
        assert_eq!(gpu.allocatable.get("cpu").milli(), 3920);
        // Placeholder label values (`<ami-id>`) are no valid labels: left out and reported.
        assert!(sc.ignored.iter().any(|i| i.contains("not valid labels")), "{:?}", sc.ignored);
    }
    if let Some(path) = shared("nodes-aks-gpu.yaml") {
        let (_, sc) = load(&Inputs { nodes: Some(path), ..Inputs::default() });
        let taints: Vec<String> =
            sc.nodes[0].taints.iter().map(|t| format!("{}={}", t.key, t.value)).collect();
        assert_eq!(taints, ["sku=gpu"]);
    }
    if let Some(path) = shared("nodes-openshift-gcp-controlplane.yaml") {
        let (_, sc) = load(&Inputs { nodes: Some(path), agents: Some(AGENTS.into()), ..Inputs::default() });
        let masters = sc.nodes.iter().filter(|n| n.taints.iter().any(|t| t.key.contains("master"))).count();
        assert_eq!(masters, 3);
        assert_eq!(sc.agents.len(), 2);
    }
}

/// Pods of the Alibaba "small" set left pending at the start by the default scheduler
/// (default scoring), with an agent that requests nothing.
#[test]
fn the_alibaba_small_set_imports_as_bare_pods_and_leaves_sixteen_pending() {
    let (Some(nodes), Some(pods)) = (
        shared("alibaba-openb/k8s-sims-small/nodes-100.yaml"),
        shared("alibaba-openb/k8s-sims-small/pods-100.yaml"),
    ) else {
        return;
    };
    let inputs = Inputs {
        nodes: Some(nodes),
        pods: Some(pods),
        agents: Some(data("null-agent.yaml")),
        policies: vec![data("no-tolerations.yaml").display().to_string()],
        timeline: Some(data("empty-timeline.ron")),
        ..Inputs::default()
    };
    let (source, sc) = load(&inputs);
    assert_eq!(sc.nodes.len(), 100);
    let mut pods = 0;
    for w in &sc.workloads {
        match w.kind {
            WorkloadKind::Pod { count, node_name: None } => pods += count,
            ref k => panic!("{}: {k:?}", w.name),
        }
    }
    assert_eq!(pods, 1067);
    assert!(sc.workloads.len() < 100, "alike pods are grouped: {}", sc.workloads.len());
    // Only the start matters here: a one-minute horizon keeps the test fast.
    let short = source.replacen("horizon: \"1d\"", "horizon: \"1m\"", 1);
    let sc = check_str(&short, "composed").unwrap_or_else(|e| panic!("{}", e[0]));
    let cmp = run_comparison(&sc, |_, _, _, _| {});
    let run = &cmp.agents[0].runs[0];
    let pending: u32 = run.start_issues.iter().map(|i| i.pods).sum();
    assert_eq!(pending, 16, "{:?}", run.start_issues);
}

#[test]
fn pods_are_grouped_by_owner_and_bare_pods_by_spec() {
    let inputs = Inputs {
        nodes: Some(data("nodes.yaml")),
        pods: Some(data("pods.yaml")),
        pdbs: Some(data("pdbs.json")),
        agents: Some(AGENTS.into()),
        ..Inputs::default()
    };
    let composed = compose(&inputs).unwrap();
    let (_, sc) = load(&inputs);
    let names: Vec<&str> = sc.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["web", "db", "kube-proxy", "etcd-worker-a", "debug-1", "train"]);
    let web = workload(&sc, "web");
    assert_eq!(web.kind, WorkloadKind::Deployment { replicas: 2 });
    assert!(web.template.one_per_node, "self anti-affinity on the hostname is one_per_node");
    assert!(!web.template.labels.contains_key("pod-template-hash"));
    // StatefulSet: the init container's 2 cpu beat app + sidecar; memory is app + sidecar.
    let db = workload(&sc, "db");
    assert_eq!(db.kind, WorkloadKind::Deployment { replicas: 1 });
    assert_eq!(db.template.requests.get("cpu").milli(), 2000);
    assert_eq!(db.template.requests.get("memory").milli(), (2048 + 64) * (1 << 20) * 1000);
    // The DaemonSet's node pinning is the simulated controller's job.
    let proxy = workload(&sc, "kube-proxy");
    assert_eq!(proxy.kind, WorkloadKind::DaemonSet);
    assert!(proxy.template.affinity.is_none(), "{:?}", proxy.template.affinity);
    assert_eq!(
        workload(&sc, "etcd-worker-a").kind,
        WorkloadKind::Pod { count: 1, node_name: Some("worker-a".into()) }
    );
    assert_eq!(workload(&sc, "debug-1").kind, WorkloadKind::Pod { count: 2, node_name: None });
    let train = workload(&sc, "train");
    assert_eq!(
        train.template.requests.get("nvidia.com/gpu").milli(),
        2000,
        "request defaulted from the limit"
    );
    assert!(train.template.limits.get("cpu").milli() == 0);
    // The agent's own pod in the list and the finished pod are left out.
    assert!(!names.contains(&"deepfence-agent") && !names.contains(&"once"));
    assert!(composed.warnings.iter().any(|w| w.contains("finished pods")));
    // Budgets.
    assert_eq!(sc.pdbs.len(), 2);
    // Node conditions start the node that way.
    let at_zero: Vec<String> = sc
        .timeline
        .iter()
        .filter(|e| e.at == taintsim::time::SimTime::ZERO)
        .map(|e| format!("{:?}", e.action))
        .collect();
    assert!(
        at_zero.iter().any(|a| a.starts_with("KubeletNotReady") && a.contains("worker-b")),
        "{at_zero:?}"
    );
    assert!(at_zero.iter().any(|a| a.starts_with("InjectCondition") && a.contains("Memory")), "{at_zero:?}");
    // Unsupported fields are listed once each.
    for what in ["podAffinity", "topologySpreadConstraints", "persistentVolumeClaim", "spec.nodeName"] {
        assert_eq!(sc.ignored.iter().filter(|i| i.contains(what)).count(), 1, "{what}: {:?}", sc.ignored);
    }
    assert!(!sc.ignored.iter().any(|i| i.contains("podAntiAffinity")), "{:?}", sc.ignored);
}

#[test]
fn extended_resources_decide_where_gpu_pods_fit() {
    let inputs = Inputs {
        nodes: Some(data("nodes.yaml")),
        pods: Some(data("pods.yaml")),
        agents: Some(data("null-agent.yaml")),
        policies: vec![data("no-tolerations.yaml").display().to_string()],
        timeline: Some(data("empty-timeline.ron")),
        ..Inputs::default()
    };
    let (source, _) = load(&inputs);
    // Three training pods asking for 2 GPUs each on the one node with 2 GPUs.
    let more = source.replacen(
        "name: \"train\",\n            namespace: \"ml\",\n            kind: Pod,\n            count: 1,",
        "name: \"train\",\n            namespace: \"ml\",\n            kind: Pod,\n            count: 3,",
        1,
    );
    assert_ne!(more, source);
    let short = more.replacen("horizon: \"1d\"", "horizon: \"1m\"", 1);
    let sc = check_str(&short, "composed").unwrap_or_else(|e| panic!("{}", e[0]));
    let cmp = run_comparison(&sc, |_, _, _, _| {});
    let issues = &cmp.agents[0].runs[0].start_issues;
    let train = issues.iter().find(|i| i.workload == "train").expect("GPU pods left pending");
    assert_eq!(train.pods, 2, "{issues:?}");
    // gpu-a's two GPUs are taken and worker-a has none; worker-b's first taint is not-ready
    // (no value), which the pod does not tolerate.
    assert_eq!(
        train.reason,
        "0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, \
         2 Insufficient nvidia.com/gpu."
    );
}

#[test]
fn policies_come_from_toleration_lists_and_values_file_paths() {
    let inputs = Inputs {
        nodes: Some(data("nodes.yaml")),
        agents: Some(AGENTS.into()),
        policies: vec![
            format!("{}@deepfence-agent", data("values.yaml").display()),
            format!(
                "fast={}:cluster_agent.tolerations@deepfence-agent-cluster",
                data("values.yaml").display()
            ),
            data("no-tolerations.yaml").display().to_string(),
        ],
        ..Inputs::default()
    };
    let (_, sc) = load(&inputs);
    let names: Vec<&str> = sc.policies.iter().map(|p| p.name.as_str()).collect();
    // The manifest's own tolerations come first, one policy per agent.
    assert_eq!(
        names,
        [
            "deepfence-agent-as-rendered",
            "deepfence-agent-cluster-as-rendered",
            "values",
            "fast",
            "no-tolerations"
        ]
    );
    let rendered = &sc.policies[0];
    assert_eq!(rendered.applies_to, ["deepfence-agent"]);
    assert_eq!(
        rendered.tolerations,
        workload(&sc, "deepfence-agent").template.tolerations,
        "as the manifest gives them"
    );
    assert_eq!(sc.policies[1].applies_to, ["deepfence-agent-cluster"]);
    let sc_policies = &sc.policies[2..];
    assert_eq!(sc_policies[0].applies_to, ["deepfence-agent"]);
    assert_eq!(sc_policies[1].tolerations.len(), 2);
    assert_eq!(sc_policies[1].tolerations[0].toleration_seconds, Some(30));
    assert!(sc_policies[2].tolerations.is_empty() && sc_policies[2].applies_to.is_empty());
    // Without --policy: the manifest's own tolerations beside the default policies, and a
    // policy of that name given explicitly is not doubled.
    let (_, sc) =
        load(&Inputs { nodes: Some(data("nodes.yaml")), agents: Some(AGENTS.into()), ..Inputs::default() });
    let names: Vec<&str> = sc.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(&names[..2], ["deepfence-agent-as-rendered", "deepfence-agent-cluster-as-rendered"]);
    assert!(names.contains(&"chart-exists-pair") && names.contains(&"none"), "{names:?}");
    let (_, sc) = load(&Inputs {
        agents: Some(AGENTS.into()),
        policies: vec![format!("deepfence-agent-as-rendered={}", data("no-tolerations.yaml").display())],
        ..Inputs::default()
    });
    let names: Vec<&str> = sc.policies.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["deepfence-agent-cluster-as-rendered", "deepfence-agent-as-rendered"]);
    assert!(sc.policies[1].tolerations.is_empty());
    let missing = compose(&Inputs {
        policies: vec![format!("{}:agent.tolerations", data("values.yaml").display())],
        ..Inputs::default()
    })
    .unwrap_err()
    .to_string();
    assert!(missing.contains("values.yaml") && missing.contains("no key \"agent\""), "{missing}");
}

#[test]
fn a_manifest_with_other_agent_names_inherits_the_default_events_and_imported_nodes_get_pools() {
    let Some(nodes) = shared("nodes-openshift-gcp-controlplane.yaml") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let manifest = fs::read_to_string(AGENTS)
        .unwrap()
        .replace("deepfence-agent-cluster", "secagent-cluster")
        .replace("deepfence-agent", "secagent-node");
    fs::write(tmp.path().join("sec.yaml"), manifest).unwrap();
    let inputs =
        Inputs { nodes: Some(nodes.clone()), agents: Some(tmp.path().join("sec.yaml")), ..Inputs::default() };
    let composed = compose(&inputs).unwrap();
    let (source, sc) = load(&inputs);
    let body = &source[source.find("Scenario(").unwrap()..];
    assert!(!body.contains("\"deepfence-agent"), "no default agent name is left in entries:\n{source}");
    // The day's NotReady, silent and drain entries aimed at the cluster agent's node follow
    // the manifest's Deployment.
    let aimed = source.matches("node_of: \"secagent-cluster\"").count();
    assert_eq!(aimed, 6, "{source}");
    let (_, default) = load(&Inputs { nodes: Some(nodes), agents: Some(AGENTS.into()), ..Inputs::default() });
    assert_eq!(sc.timeline.len(), default.timeline.len(), "the same entries as with the default names");
    let policy = |sc: &Scenario, name: &str| sc.policies.iter().find(|p| p.name == name).cloned().unwrap();
    assert_eq!(policy(&sc, "recommended-cluster-agent").applies_to, ["secagent-cluster"]);
    assert_eq!(policy(&sc, "recommended-node-agent").applies_to, ["secagent-node"]);
    assert!(
        composed.warnings.iter().any(|w| w.contains("aimed at \"secagent-cluster\"")),
        "{:?}",
        composed.warnings
    );
    // Imported nodes without a pool label are put in the control-plane or worker pool by their
    // role labels, so the default generators act on them.
    let pool =
        |name: &str| sc.nodes.iter().find(|n| n.name == name).unwrap().labels["taintsim.io/pool"].clone();
    assert_eq!(pool("node-cp-0"), "control-plane");
    assert_eq!(pool("node-worker-b-0"), "worker");
    let generators: Vec<&str> = sc.generators.iter().map(|(g, _)| g.name.as_str()).collect();
    for g in ["worker-crashes", "memory-bursts", "control-plane-upgrade", "worker-upgrade"] {
        assert!(generators.contains(&g), "{g} missing in {generators:?}");
    }
}

#[test]
fn composing_is_deterministic_and_the_timeline_file_replaces_the_default() {
    let inputs = Inputs {
        nodes: Some(data("nodes.yaml")),
        pods: Some(data("pods.yaml")),
        agents: Some(AGENTS.into()),
        timeline: Some(data("timeline.ron")),
        ..Inputs::default()
    };
    let a = compose(&inputs).unwrap().source;
    let b = compose(&inputs).unwrap().source;
    assert_eq!(a, b);
    let (_, sc) = load(&inputs);
    // Two condition events at 0s, then the file's two spells (four events).
    assert_eq!(sc.timeline.len(), 6, "{:?}", sc.timeline);
    assert!(sc.generators.is_empty());
}

#[test]
fn import_then_run_gives_the_reports_of_running_on_the_raw_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::env::current_dir().unwrap();
    let abs = |p: &str| root.join(p).display().to_string();
    let nodes = abs("tests/data/import/nodes.yaml");
    let pods = abs("tests/data/import/pods.yaml");
    let pdbs = abs("tests/data/import/pdbs.json");
    let agents = abs(AGENTS);
    let values = format!("{}:cluster_agent.tolerations", abs("tests/data/import/values.yaml"));
    let none = abs("tests/data/import/no-tolerations.yaml");
    let inputs = [
        "--nodes", &nodes, "--pods", &pods, "--pdbs", &pdbs, "--agents", &agents, "--policy", &values,
        "--policy", &none,
    ];
    let mut import = vec!["import", "-o", "imported.ron"];
    import.extend(inputs);
    let o = taintsim(tmp.path(), &import);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("ignored: spec.affinity.podAffinity"), "{}", text(&o.stderr));
    let o = taintsim(tmp.path(), &["run", "imported.ron", "--quiet", "--out", "from-file"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("ignored: spec.topologySpreadConstraints"), "{}", text(&o.stderr));
    let mut raw = vec!["run", "--quiet", "--out", "from-raw"];
    raw.extend(inputs);
    let o = taintsim(tmp.path(), &raw);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for name in REPORTS {
        let a = fs::read(tmp.path().join("from-file").join(name)).unwrap();
        let b = fs::read(tmp.path().join("from-raw").join(name)).unwrap();
        assert!(!a.is_empty() && a == b, "{name} differs");
    }
    let md = fs::read_to_string(tmp.path().join("from-raw/report.md")).unwrap();
    assert!(md.contains("## Ignored input") && md.contains("topologySpreadConstraints"), "{md}");
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("from-raw/summary.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], "taintsim.summary/v1");
    assert!(json["scenario"]["ignored"].as_array().unwrap().len() >= 4, "{}", json["scenario"]["ignored"]);
}

/// Writes `text` into `dir/name` and runs `taintsim run --nodes` on it.
fn run_on(dir: &Path, name: &str, text: &str) -> Output {
    fs::write(dir.join(name), text).unwrap();
    taintsim(dir, &["run", "--quiet", "--out", "out", "--nodes", name])
}

#[test]
fn malformed_input_names_file_document_object_and_field_and_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let node = |name: &str, cpu: &str| {
        format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\nstatus:\n  capacity: {{cpu: \"{cpu}\", memory: 1Gi, pods: \"10\"}}\n"
        )
    };
    let cases = [
        (
            "bad-quantity.yaml",
            format!("# Source: x\n{}---\n{}", node("good", "2"), node("w2", "two")),
            vec!["bad-quantity.yaml", "document 2", "Node \"w2\"", "status.capacity.cpu", "invalid quantity"],
        ),
        (
            "bad-type.yaml",
            "apiVersion: v1\nkind: List\nitems:\n- kind: Node\n  metadata: {name: w1}\n  spec: {taints: oops}\n".to_string(),
            vec!["bad-type.yaml", "document 1", "items[0]", "Node \"w1\"", "spec.taints"],
        ),
        ("bad-yaml.yaml", "kind: Node\nmetadata:\n  name: [unclosed\n".to_string(), vec!["bad-yaml.yaml", "line", "not valid YAML"]),
        (
            "bad.json",
            "{\"kind\": \"Node\", \"metadata\": {\"name\": \"j\"}, \"status\": {\"capacity\": {\"cpu\": \"1x\"}}}".to_string(),
            vec!["bad.json", "document 1", "Node \"j\"", "status.capacity.cpu"],
        ),
        ("not-a-node.yaml", "kind: Pod\nmetadata: {name: p}\n".to_string(), vec!["document 1", "Pod \"p\"", "expected a Node"]),
        ("no-cpu.yaml", "kind: Node\nmetadata: {name: n}\nstatus: {capacity: {memory: 1Gi, pods: 3}}\n".to_string(), vec!["Node \"n\"", "status.capacity.cpu", "missing"]),
    ];
    for (file, content, needles) in cases {
        let o = run_on(tmp.path(), file, &content);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{file}: {err}");
        for n in needles {
            assert!(err.contains(n), "{file}: {n:?} missing in {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
        assert!(!tmp.path().join("out").exists(), "{file}: no partial report");
    }
    // A bad quantity in a pod's container names the field path inside the pod.
    fs::write(
        tmp.path().join("pods.yaml"),
        "kind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n  - name: c\n    resources: {requests: {memory: 12XB}}\n",
    )
    .unwrap();
    let nodes = std::env::current_dir().unwrap().join(data("nodes.yaml"));
    let o = taintsim(tmp.path(), &["import", "--nodes", nodes.to_str().unwrap(), "--pods", "pods.yaml"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("pods.yaml: document 1: Pod \"ns/p\": spec.containers[0].resources.requests.memory"),
        "{err}"
    );
    // A scenario file and input files together are refused.
    let o = taintsim(tmp.path(), &["run", "x.ron", "--nodes", "n.yaml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn input_that_breaks_a_scenario_rule_is_reported_at_the_input_file_document_object_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let write = |name: &str, text: &str| fs::write(dir.join(name), text).unwrap();
    write(
        "pods.yaml",
        "apiVersion: v1\nkind: List\nitems:\n\
         - kind: Pod\n  metadata: {name: ok, namespace: shop}\n  spec: {containers: [{name: a}]}\n\
         - kind: Pod\n  metadata: {name: web-1, namespace: shop}\n  spec:\n    containers:\n    \
         - {name: a, resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}}\n",
    );
    write(
        "tol.yaml",
        "kind: Pod\nmetadata: {name: t, namespace: shop}\nspec:\n  tolerations: [{key: a, operator: Exists}, \
         {key: b, operator: Maybe}]\n  containers: [{name: a}]\n",
    );
    write(
        "pdbs.yaml",
        "kind: PodDisruptionBudget\nmetadata: {name: both, namespace: shop}\n\
         spec: {minAvailable: 1, maxUnavailable: 1, selector: {matchLabels: {app: web}}}\n",
    );
    write(
        "nodes.yaml",
        "kind: Node\nmetadata: {name: w1}\nspec:\n  taints:\n  - {key: node.kubernetes.io/not-ready, effect: NoExecute}\n  \
         - {key: dedicated, value: \"a b\", effect: NoSchedule}\nstatus: {capacity: {cpu: \"4\", memory: 8Gi, pods: \"110\"}}\n",
    );
    write(
        "values.yaml",
        "cluster:\n  tolerations:\n  - {operator: Exists}\n  - {key: y, operator: Equal, effect: Soon}\n",
    );
    write("ok-values.yaml", "tolerations: []\n");
    write(
        "timeline.ron",
        "[\n    (at: \"1h\", node: \"node-cp-0\", event: Silent),\n    // later\n    (at: \"2h\",\n     node: \"nope\", event: Silent),\n]\n",
    );
    let cases: [(&[&str], &[&str]); 8] = [
        (
            &["--pods", "pods.yaml"],
            &[
                "pods.yaml: document 1, items[1]: Pod \"shop/web-1\": spec.containers[*].resources.requests.memory: ",
                "scenario field workloads[",
            ],
        ),
        (
            &["--pods", "tol.yaml"],
            &["tol.yaml: document 1: Pod \"shop/t\": spec.tolerations[1].operator: ", "\"Maybe\""],
        ),
        (
            &["--pdbs", "pdbs.yaml"],
            &["pdbs.yaml: document 1: PodDisruptionBudget \"shop/both\": spec.", "both"],
        ),
        // The condition taint is left out, so the second taint is the entry's first.
        (
            &["--nodes", "nodes.yaml"],
            &[
                "nodes.yaml: document 1: Node \"w1\": spec.taints[1].value: ",
                "scenario field nodes[0].taints[0].value",
            ],
        ),
        (
            &["--policy", "values.yaml:cluster.tolerations"],
            &["values.yaml: document 1: cluster.tolerations[1].effect: ", "\"Soon\""],
        ),
        (&["--policy", "ok-values.yaml@nobody"], &["--policy \"ok-values.yaml@nobody\": ", "\"nobody\""]),
        (&["--policy", "ok-values.yaml", "--name", ""], &["--name: "]),
        (&["--timeline", "timeline.ron"], &["timeline.ron:5:12: [1].node: ", "\"nope\""]),
    ];
    for (args, needles) in cases {
        for command in ["import", "run"] {
            let mut all = vec![command];
            all.extend(args);
            if command == "run" {
                all.extend(["--quiet", "--out", "out"]);
            }
            let o = taintsim(dir, &all);
            let err = text(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{all:?}: {err}");
            for n in needles {
                assert!(err.contains(n), "{all:?}: {n:?} missing in {err}");
            }
            assert!(!err.contains("composed scenario"), "{all:?}: {err}");
            assert!(o.stdout.is_empty() && !dir.join("out").exists(), "{all:?}: nothing written");
        }
    }
}

#[test]
fn quantities_read_like_the_input_and_load_as_the_values_computed() {
    let tmp = tempfile::tempdir().unwrap();
    let nodes = "kind: Node\nmetadata: {name: n1}\nstatus:\n  capacity: {cpu: \"4\", memory: 1G, pods: \"110\"}\n  \
                 allocatable: {cpu: 3920m, memory: 900M, pods: \"110\"}\n";
    let pod = |name: &str, containers: &str| {
        format!(
            "- kind: Pod\n  metadata: {{name: {name}, namespace: ns}}\n  spec:\n    containers:\n{containers}"
        )
    };
    let c = |requests: &str| format!("    - {{name: c, resources: {{requests: {{{requests}}}}}}}\n");
    let pods = format!(
        "kind: List\nitems:\n{}{}{}{}",
        pod("decimal", &(c("cpu: 250m, memory: 1G") + &c("cpu: \"0.5\", memory: 500M"))),
        pod("binary", &(c("memory: 1Gi") + &c("memory: 512Mi"))),
        pod("mixed", &(c("memory: 1Gi") + &c("memory: 1G"))),
        pod("single", &c("cpu: \"0.25\", memory: 1.5Gi")),
    );
    fs::write(tmp.path().join("nodes.yaml"), nodes).unwrap();
    fs::write(tmp.path().join("pods.yaml"), pods).unwrap();
    let inputs = Inputs {
        nodes: Some(tmp.path().join("nodes.yaml")),
        pods: Some(tmp.path().join("pods.yaml")),
        ..Inputs::default()
    };
    let (source, sc) = load(&inputs);
    let lines = [
        r#"capacity: {"cpu": "4", "memory": "1G", "pods": "110"}"#,
        r#"allocatable: {"cpu": "3920m", "memory": "900M", "pods": "110"}"#,
        r#"requests: {"cpu": "750m", "memory": "1500M"}"#,
        r#"requests: {"memory": "1536Mi"}"#,
        r#"requests: {"memory": "2073741824"}"#,
        r#"requests: {"cpu": "0.25", "memory": "1.5Gi"}"#,
    ];
    for line in lines {
        assert!(source.contains(line), "{line} missing in\n{source}");
    }
    // Loaded back, the texts are exactly the amounts summed from the containers.
    let gi = 1i64 << 30;
    let expected = [
        ("decimal", 750, 1_500_000_000),
        ("binary", 0, gi + gi / 2),
        ("mixed", 0, gi + 1_000_000_000),
        ("single", 250, gi + gi / 2),
    ];
    for (name, cpu_milli, memory_bytes) in expected {
        let w = workload(&sc, name);
        assert_eq!(w.template.requests.get("cpu").milli(), cpu_milli, "{name}");
        assert_eq!(w.template.requests.get("memory").milli(), memory_bytes * 1000, "{name}");
    }
    let node = &sc.nodes[0];
    assert_eq!(node.capacity.get("memory").milli(), 1_000_000_000_000);
    assert_eq!(node.allocatable.get("cpu").milli(), 3920);
}

#[test]
fn huge_quantities_are_refused_at_their_field_with_the_limit_and_1p_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let node = |cpu: &str, memory: &str| {
        format!(
            "kind: Node\nmetadata: {{name: big}}\nstatus:\n  capacity: {{cpu: \"{cpu}\", memory: \"{memory}\", pods: \"10\"}}\n"
        )
    };
    let refused = [
        ("4", "1E", "status.capacity.memory"),
        ("4", "8Ei", "status.capacity.memory"),
        ("4", "9223372036854775807", "status.capacity.memory"),
        ("1e18", "1Gi", "status.capacity.cpu"),
        ("1e2147483647", "1Gi", "status.capacity.cpu"),
    ];
    for (cpu, memory, field) in refused {
        fs::write(tmp.path().join("big.yaml"), node(cpu, memory)).unwrap();
        let o = taintsim(tmp.path(), &["import", "--nodes", "big.yaml"]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{cpu} {memory}: {err}");
        assert!(err.contains(&format!("big.yaml: document 1: Node \"big\": {field}: quantity ")), "{err}");
        assert!(err.contains("too large") && err.contains("at most 1P"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // The limit itself is kept, as written.
    fs::write(tmp.path().join("big.yaml"), node("1P", "900Ti")).unwrap();
    let o = taintsim(tmp.path(), &["import", "--nodes", "big.yaml", "-o", "big.ron"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let source = fs::read_to_string(tmp.path().join("big.ron")).unwrap();
    assert!(source.contains(r#"capacity: {"cpu": "1P", "memory": "900Ti", "pods": "10"}"#), "{source}");
    check_str(&source, "big.ron").unwrap_or_else(|e| panic!("{}", e[0]));
    // A container's request beyond the limit names the pod's field.
    fs::write(
        tmp.path().join("pods.yaml"),
        "kind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n  - name: c\n    resources: {requests: {cpu: \"2e15\"}}\n",
    )
    .unwrap();
    let o = taintsim(tmp.path(), &["import", "--nodes", "big.yaml", "--pods", "pods.yaml"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("pods.yaml: document 1: Pod \"ns/p\": spec.containers[0].resources.requests.cpu: quantity \"2e15\" is too large"),
        "{err}"
    );
    // So does a sum of containers beyond it, where Kubernetes would still add them up.
    fs::write(
        tmp.path().join("pods.yaml"),
        "kind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n  - {name: a, resources: {requests: {memory: 600Ti}}}\n  \
         - {name: b, resources: {requests: {memory: 400Ti}}}\n",
    )
    .unwrap();
    let o = taintsim(tmp.path(), &["import", "--nodes", "big.yaml", "--pods", "pods.yaml"]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("pods.yaml: document 1: Pod \"ns/p\": spec: the pod's requests of memory add up to more than the simulator holds (at most 1P"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn the_readme_import_example_runs_on_the_shared_node_lists() {
    let Some(openshift) = shared("nodes-openshift-gcp-controlplane.yaml") else { return };
    let Some(eks) = shared("nodes-eks.yaml") else { return };
    let root = std::env::current_dir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let agents = root.join(AGENTS);
    let (openshift, eks) = (root.join(openshift), root.join(eks));
    let o = taintsim(
        tmp.path(),
        &[
            "run",
            "--nodes",
            eks.to_str().unwrap(),
            "--agents",
            agents.to_str().unwrap(),
            "--quiet",
            "--out",
            "eks",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let md = fs::read_to_string(tmp.path().join("eks/report.md")).unwrap();
    assert!(
        md.contains("## Agent deepfence-agent (DaemonSet)") && md.contains("deepfence-agent-cluster"),
        "{md}"
    );
    let o = taintsim(
        tmp.path(),
        &[
            "import",
            "--nodes",
            openshift.to_str().unwrap(),
            "--agents",
            agents.to_str().unwrap(),
            "-o",
            "os.ron",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = taintsim(tmp.path(), &["run", "os.ron", "--quiet", "--out", "os"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("os/summary.json")).unwrap()).unwrap();
    assert_eq!(json["scenario"]["node_count"], 6);
    assert_eq!(json["agents"].as_array().unwrap().len(), 2);
}

#[test]
fn pods_alone_run_on_the_default_nodes_without_the_pods_bound_elsewhere() {
    let inputs = Inputs { pods: Some(data("pods.yaml")), ..Inputs::default() };
    let composed = compose(&inputs).unwrap();
    assert!(
        composed.warnings.iter().any(|w| w.contains("kube-system/etcd-worker-a left out")),
        "{:?}",
        composed.warnings
    );
    let (_, sc) = load(&inputs);
    assert_eq!(sc.nodes, taintsim::scenario::default_scenario().nodes);
    assert!(sc.workloads.iter().all(|w| w.name != "etcd-worker-a"));
    assert!(sc.workloads.iter().any(|w| w.name == "web"));
}

#[test]
fn an_empty_policy_file_is_no_tolerations_and_a_pod_list_without_pods_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("empty.yaml"), "").unwrap();
    fs::write(dir.join("comment.yaml"), "# tolerations: none\n").unwrap();
    let spec = |name: &str, file: &str| format!("{name}={}", dir.join(file).display());
    let (_, sc) = load(&Inputs {
        policies: vec![spec("none", "empty.yaml"), spec("also-none", "comment.yaml")],
        ..Inputs::default()
    });
    assert_eq!(sc.policies.len(), 2);
    assert!(sc.policies.iter().all(|p| p.tolerations.is_empty()), "{:?}", sc.policies);

    // A node list given as the pod list (arguments swapped) is bad input, not an empty cluster.
    let nodes = fs::read_to_string(data("nodes.yaml")).unwrap();
    fs::write(dir.join("nodes.yaml"), nodes).unwrap();
    let o = taintsim(dir, &["run", "--quiet", "--out", "out", "--pods", "nodes.yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("nodes.yaml: the pod list holds no Pod (only Node)"),
        "{}",
        text(&o.stderr)
    );
    assert!(!dir.join("out").exists());
}

#[test]
fn an_input_file_with_no_document_is_refused_and_an_empty_list_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("empty.yaml"), "").unwrap();
    fs::write(dir.join("comments.yaml"), "# Source: chart/templates/x.yaml\n---\n\n").unwrap();
    fs::write(dir.join("none.yaml"), "apiVersion: v1\nkind: List\nitems: []\n").unwrap();
    type Given = fn(PathBuf) -> Inputs;
    let cases: [(Given, &str); 4] = [
        (|p| Inputs { pods: Some(p), ..Inputs::default() }, "did `kubectl get pods -A -o yaml` fail?"),
        (|p| Inputs { pdbs: Some(p), ..Inputs::default() }, "did `kubectl get pdb -A -o yaml` fail?"),
        (|p| Inputs { agents: Some(p), ..Inputs::default() }, "did `helm template` fail?"),
        (|p| Inputs { nodes: Some(p), ..Inputs::default() }, "did `kubectl get nodes -o yaml` fail?"),
    ];
    for (inputs, hint) in cases {
        for file in ["empty.yaml", "comments.yaml"] {
            let path = dir.join(file);
            let e = compose(&inputs(path.clone())).unwrap_err().to_string();
            assert_eq!(
                e.lines().next().unwrap(),
                format!(
                    "{}: the file holds no object (it is empty or holds only comments): {hint}{}",
                    path.display(),
                    if hint.contains("kubectl get p") {
                        " (Where there are none, kubectl prints a `kind: List` with `items: []`, which is read as none.)"
                    } else {
                        ""
                    }
                )
            );
        }
    }
    // An empty list is an empty cluster: no business workloads, no budgets.
    let none = dir.join("none.yaml");
    let (_, sc) = load(&Inputs { pods: Some(none.clone()), pdbs: Some(none.clone()), ..Inputs::default() });
    assert!(sc.workloads.is_empty() && sc.pdbs.is_empty(), "{:?} {:?}", sc.workloads, sc.pdbs);
    // On the command line: exit 2, no report.
    let o = taintsim(dir, &["run", "--quiet", "--out", "out", "--pods", "empty.yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("empty.yaml: the file holds no object"), "{}", text(&o.stderr));
    assert!(!dir.join("out").exists());
}

/// A rendered agent chart: a DaemonSet and a Deployment with the given extra documents.
fn agent_manifest(namespace: Option<&str>, ds_class: &str, extra: &str) -> String {
    let ns = namespace.map(|n| format!("  namespace: {n}\n")).unwrap_or_default();
    format!(
        "# Source: agent/templates/ds.yaml\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: sensor\n{ns}\
         spec:\n  selector: {{matchLabels: {{app: sensor}}}}\n  template:\n    metadata: {{labels: {{app: sensor}}}}\n\
         \x20   spec:\n      priorityClassName: {ds_class}\n      containers: [{{name: c, resources: {{requests: {{cpu: 10m}}}}}}]\n\
         ---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: collector\n{ns}spec:\n  replicas: 2\n\
         \x20 selector: {{matchLabels: {{app: collector}}}}\n  template:\n    metadata: {{labels: {{app: collector}}}}\n\
         \x20   spec:\n      priorityClassName: system-cluster-critical\n      containers: [{{name: c}}]\n{extra}"
    )
}

#[test]
fn the_agent_manifests_own_priority_class_gives_its_value() {
    let tmp = tempfile::tempdir().unwrap();
    let class = "---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: agent-critical\n\
                 value: 1000000\nglobalDefault: false\n";
    let path = tmp.path().join("agents.yaml");
    fs::write(&path, agent_manifest(Some("security"), "agent-critical", class)).unwrap();
    let inputs = Inputs { agents: Some(path.clone()), ..Inputs::default() };
    let composed = compose(&inputs).unwrap();
    assert!(composed.ignored.is_empty(), "{:?}", composed.ignored);
    assert!(composed.warnings.iter().all(|w| !w.contains("skipped")), "{:?}", composed.warnings);
    let (_, sc) = load(&inputs);
    let sensor = workload(&sc, "sensor");
    assert_eq!(
        (sensor.template.priority, sensor.template.priority_class_name.as_str()),
        (1_000_000, "agent-critical")
    );
    // A system class keeps its built-in value.
    assert_eq!(workload(&sc, "collector").template.priority, 2_000_000_000);
    // A class the manifest does not hold stays unknown: priority 0, listed as ignored.
    fs::write(&path, agent_manifest(Some("security"), "other", class)).unwrap();
    let composed = compose(&inputs).unwrap();
    assert!(
        composed
            .ignored
            .iter()
            .any(|l| l.contains("priorityClassName without spec.priority") && l.contains("(other)")),
        "{:?}",
        composed.ignored
    );
    assert_eq!(workload(&load(&inputs).1, "sensor").template.priority, 0);
    // The API's limit for classes that are not system classes.
    fs::write(&path, agent_manifest(None, "agent-critical", &class.replace("1000000\n", "2000000000\n")))
        .unwrap();
    let e = compose(&inputs).unwrap_err().to_string();
    assert!(e.contains("PriorityClass \"agent-critical\": value: 2000000000 is above 1000000000"), "{e}");
}

/// A budget document; `namespace` `None` leaves it out, as `helm template` without `-n` does.
fn budget(name: &str, namespace: Option<&str>, app: &str, bounds: &str) -> String {
    let ns = namespace.map(|n| format!(", namespace: {n}")).unwrap_or_default();
    format!(
        "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: {name}{ns}}}\n\
         spec: {{{bounds}, selector: {{matchLabels: {{app: {app}}}}}}}\n"
    )
}

fn budgets(sc: &Scenario) -> Vec<String> {
    sc.pdbs.iter().map(|b| format!("{}/{}", b.namespace, b.name)).collect()
}

#[test]
fn the_agent_manifests_own_budgets_come_after_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let agents = dir.join("agents.yaml");
    let own = budget("collector", Some("security"), "collector", "minAvailable: 1");
    fs::write(&agents, agent_manifest(Some("security"), "x", &own)).unwrap();
    // Without --pdbs: the default budgets (none), then the manifest's.
    let inputs = Inputs { agents: Some(agents.clone()), ..Inputs::default() };
    let composed = compose(&inputs).unwrap();
    assert!(composed.source.contains("1 PodDisruptionBudget from agents.yaml"), "{}", composed.source);
    let (_, sc) = load(&inputs);
    assert_eq!(budgets(&sc), ["security/collector"]);
    // With --pdbs: those first.
    let inputs = Inputs { agents: Some(agents.clone()), pdbs: Some(data("pdbs.json")), ..Inputs::default() };
    assert_eq!(budgets(&load(&inputs).1), ["shop/web", "shop/db", "security/collector"]);
    // A budget list from the cluster holding the installed agent's budget: the manifest's wins.
    let listed = dir.join("pdbs.yaml");
    fs::write(
        &listed,
        format!(
            "{}{}",
            budget("old", Some("security"), "x", "maxUnavailable: 1"),
            own.replace("minAvailable: 1", "minAvailable: 2")
        ),
    )
    .unwrap();
    let inputs = Inputs { agents: Some(agents.clone()), pdbs: Some(listed), ..Inputs::default() };
    let composed = compose(&inputs).unwrap();
    assert!(
        composed
            .warnings
            .iter()
            .any(|w| w
                == "budget security/collector of the budget list left out: the agent manifest has its own"),
        "{:?}",
        composed.warnings
    );
    let (_, sc) = load(&inputs);
    assert_eq!(budgets(&sc), ["security/old", "security/collector"]);
    assert_eq!(
        sc.pdbs[1].rule,
        taintsim::controllers::disruption::BudgetRule::MinAvailable(
            taintsim::controllers::disruption::IntOrPercent::Int(1)
        )
    );
    // A manifest budget that breaks a scenario rule is reported at the manifest.
    let both = budget("collector", Some("security"), "collector", "minAvailable: 1, maxUnavailable: 1");
    fs::write(&agents, agent_manifest(Some("security"), "x", &both)).unwrap();
    for extra in [&[][..], &["--pdbs", "pdbs.yaml"][..]] {
        let mut args = vec!["import", "--agents", "agents.yaml"];
        args.extend(extra);
        let o = taintsim(dir, &args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("agents.yaml: document 3: PodDisruptionBudget \"security/collector\""), "{err}");
    }
}

#[test]
fn agents_without_a_namespace_take_the_one_of_their_pods() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pod = |name: &str, ns: &str, kind: &str, owner: &str| {
        format!(
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: {name}\n    namespace: {ns}\n    ownerReferences: \
             [{{apiVersion: apps/v1, kind: {kind}, name: {owner}, controller: true, uid: u}}]\n  spec: {{containers: [{{name: c}}]}}\n"
        )
    };
    let pods = dir.join("pods.yaml");
    fs::write(
        &pods,
        format!(
            "apiVersion: v1\nkind: List\nitems:\n{}{}{}",
            pod("sensor-a", "security", "DaemonSet", "sensor"),
            pod("sensor-b", "security", "DaemonSet", "sensor"),
            pod("collector-5d8f-x", "security", "ReplicaSet", "collector-5d8f")
        ),
    )
    .unwrap();
    let agents = dir.join("agents.yaml");
    fs::write(&agents, agent_manifest(None, "x", &budget("collector", None, "collector", "minAvailable: 1")))
        .unwrap();
    let inputs = Inputs { agents: Some(agents.clone()), pods: Some(pods.clone()), ..Inputs::default() };
    let composed = compose(&inputs).unwrap();
    assert!(
        composed.warnings.iter().any(|w| w
            == "agent \"sensor\" put in namespace \"security\": agents.yaml names no namespace, and the pod list \
                has the agent's pods in that namespace only"),
        "{:?}",
        composed.warnings
    );
    let (_, sc) = load(&inputs);
    assert_eq!(workload(&sc, "sensor").namespace, "security");
    assert_eq!(workload(&sc, "collector").namespace, "security");
    assert_eq!(budgets(&sc), ["security/collector"], "the manifest's budget follows its agents");
    assert!(
        composed.warnings.iter().any(|w| w.starts_with("budget \"collector\" put in namespace \"security\"")),
        "{:?}",
        composed.warnings
    );
    assert!(sc.workloads.is_empty(), "the agents' pods are left out");
    // Pods in two namespaces: `default` stays, and a budget selecting the agent elsewhere is
    // pointed out.
    let text2 = fs::read_to_string(&pods).unwrap() + &pod("sensor-c", "other", "DaemonSet", "sensor");
    fs::write(&pods, text2).unwrap();
    fs::write(dir.join("pdbs.yaml"), budget("sensor", Some("security"), "sensor", "maxUnavailable: 1"))
        .unwrap();
    let inputs = Inputs { pdbs: Some(dir.join("pdbs.yaml")), ..inputs };
    let composed = compose(&inputs).unwrap();
    let (_, sc) = load(&inputs);
    assert_eq!(workload(&sc, "sensor").namespace, "default");
    assert_eq!(workload(&sc, "collector").namespace, "security");
    assert!(
        composed.warnings.iter().any(|w| w.starts_with(
            "budget security/sensor selects the pods of agent \"sensor\", which is in namespace \"default\""
        )),
        "{:?}",
        composed.warnings
    );
    // On stderr as a note.
    let o = taintsim(dir, &["import", "--agents", "agents.yaml", "--pods", "pods.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("taintsim: note: agent \"collector\" put in namespace \"security\""),
        "{}",
        text(&o.stderr)
    );
}
