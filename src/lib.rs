//! taintsim: a discrete-event simulator that compares Kubernetes toleration policies for agent
//! pods (security and monitoring agents run as a DaemonSet or a Deployment).
//!
//! The crate is laid out as the pipeline it runs:
//!
//! 1. [`scenario`]: the scenario file (RON): nodes, workloads, agents, policies, a timeline and
//!    controller settings; validation with file/line errors; the embedded default scenario.
//! 2. [`engine`]: the event queue, simulated clock, seeded randomness and the world state,
//!    with the truth (is a node up, is its kubelet reporting) kept apart from the API view.
//! 3. [`controllers`]: one module per Kubernetes component (scheduler, node lifecycle, taint
//!    eviction, DefaultTolerationSeconds admission, DaemonSet and ReplicaSet controllers), all
//!    sharing one toleration matcher from [`model`].
//! 4. [`measures`]: blind spots computed on the truth.
//! 5. [`report`]: `report.md`, `summary.json`, CSV time series and drains, charts (SVG, PNG),
//!    `index.html` and the console table.
//!
//! [`conformance`] evaluates the shared conformance vectors against the same rule code, and
//! [`cli`] is the command line.

#![warn(missing_docs)]

pub mod cli;
pub mod conformance;
pub mod controllers;
pub mod engine;
pub mod import;
pub mod measures;
pub mod model;
pub mod report;
pub mod scenario;
pub mod time;
