//! Benchmark of importing a large pod list.
//!
//! * `import/pods_20000`: a `kind: List` of 20,000 pods (200 Deployments of 100 replicas, with
//!   a 500-byte annotation each, about 23 MB of JSON) and a three-node list composed into a
//!   scenario and validated, as `taintsim import` does it.
//!
//! Run with `cargo bench --bench import`.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use std::hint::black_box;
use taintsim::import::{Inputs, compose};
use taintsim::scenario::check_str;

fn pod_list(deployments: usize, replicas: usize) -> String {
    let mut items = Vec::with_capacity(deployments * replicas);
    for d in 0..deployments {
        for r in 0..replicas {
            items.push(json!({
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": format!("app{d}-5f6d7c8b9a-{r:05}"),
                    "namespace": format!("ns{}", d % 20),
                    "labels": {"app": format!("app{d}"), "pod-template-hash": "5f6d7c8b9a"},
                    "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "x".repeat(500)},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                        "name": format!("app{d}-5f6d7c8b9a"), "uid": "u", "controller": true}],
                },
                "spec": {
                    "containers": [{"name": "c", "resources": {"requests": {"cpu": "10m", "memory": "10Mi"}}}],
                },
                "status": {"phase": "Running"},
            }));
        }
    }
    json!({"apiVersion": "v1", "kind": "List", "items": items}).to_string()
}

fn bench_import(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let pods = dir.path().join("pods.json");
    std::fs::write(&pods, pod_list(200, 100)).expect("the pod list is written");
    let inputs = Inputs {
        nodes: Some("tests/data/import/nodes.yaml".into()),
        pods: Some(pods),
        agents: Some("scenarios/threatmapper-agents.yaml".into()),
        ..Inputs::default()
    };
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function("pods_20000", |b| {
        b.iter(|| {
            let composed = compose(&inputs).expect("the inputs import");
            black_box(check_str(&composed.source, "bench").expect("the scenario validates"))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
