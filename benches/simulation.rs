//! Benchmarks of a whole comparison and of single runs.
//!
//! * `default_scenario/comparison`: the embedded default scenario, every policy for every agent
//!   (eight one-day runs), as `taintsim run` does it, without writing reports.
//! * `default_scenario/one_run`: one of those runs (the cluster agent with no tolerations).
//! * `scaled_cluster/one_run`: the default scenario's workloads and timeline on 20 times as many
//!   worker nodes, to watch how the cost grows with cluster size.
//!
//! Run with `cargo bench --bench simulation`; criterion prints the time per iteration.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use taintsim::engine::Simulation;
use taintsim::engine::comparison::run_comparison;
use taintsim::scenario::{NodeDef, default_scenario};

fn bench_default(c: &mut Criterion) {
    let sc = default_scenario();
    let mut group = c.benchmark_group("default_scenario");
    group.sample_size(20);
    group.bench_function("comparison", |b| b.iter(|| black_box(run_comparison(&sc, |_, _, _, _| {}))));
    let agent = sc.agents.len() - 1;
    let policy = sc.policies.iter().find(|p| p.applies_to(&sc.agents[agent].name)).expect("a policy");
    group.bench_function("one_run", |b| {
        b.iter(|| black_box(Simulation::new(&sc, agent, policy).run(&policy.name)))
    });
    group.finish();
}

fn bench_scaled(c: &mut Criterion) {
    let mut sc = default_scenario();
    let extra: Vec<NodeDef> = (0..20)
        .flat_map(|copy| {
            sc.nodes.iter().map(move |n| {
                let mut n = n.clone();
                n.name = format!("{}-copy{copy}", n.name);
                n
            })
        })
        .collect();
    sc.nodes.extend(extra);
    let policy = &sc.policies[0];
    let mut group = c.benchmark_group("scaled_cluster");
    group.sample_size(10);
    group.bench_function("one_run", |b| {
        b.iter(|| black_box(Simulation::new(&sc, 0, policy).run(&policy.name)))
    });
    group.finish();
}

criterion_group!(benches, bench_default, bench_scaled);
criterion_main!(benches);
