//! What pods really use: the `usage` of workloads and agents, and the quantities of usage
//! spikes on the timeline.

use super::Resolver;
use crate::model::Quantity;
use crate::model::usage::{PodUsage, UsageModel, UsageResource};
use crate::scenario::file::{QuantityText, RandomWalkFile, UsageFile, UsageModelFile};
use crate::scenario::locate::FieldPath;

impl Resolver<'_> {
    /// A workload's `usage`; resources left out have no model. Problems are reported and the
    /// bad resource left without a model.
    pub(super) fn usage(&mut self, path: &FieldPath, file: Option<&UsageFile>) -> PodUsage {
        let Some(f) = file else { return PodUsage::default() };
        let mut model = |field: &str, resource: UsageResource, m: &Option<UsageModelFile>| {
            m.as_ref().and_then(|m| self.usage_model(&path.field(field), resource, m))
        };
        PodUsage {
            memory: model("memory", UsageResource::Memory, &f.memory),
            cpu: model("cpu", UsageResource::Cpu, &f.cpu),
            ephemeral_storage: model(
                "ephemeral_storage",
                UsageResource::EphemeralStorage,
                &f.ephemeral_storage,
            ),
            pids: model("pids", UsageResource::Pids, &f.pids),
        }
    }

    fn usage_model(
        &mut self,
        path: &FieldPath,
        resource: UsageResource,
        m: &UsageModelFile,
    ) -> Option<UsageModel> {
        match m {
            UsageModelFile::Constant(text) => {
                self.usage_quantity(path, resource, text).map(UsageModel::Constant)
            }
            UsageModelFile::RandomWalk(walk) => self.random_walk(path, resource, walk),
        }
    }

    /// A random walk: every quantity valid for the resource, `min <= start <= max`, `every`
    /// longer than zero.
    fn random_walk(
        &mut self,
        path: &FieldPath,
        resource: UsageResource,
        w: &RandomWalkFile,
    ) -> Option<UsageModel> {
        let mut quantity =
            |field: &str, text: &QuantityText| self.usage_quantity(&path.field(field), resource, text);
        let start = quantity("start", &w.start);
        let min = quantity("min", &w.min);
        let max = quantity("max", &w.max);
        let step = quantity("step", &w.step);
        let every = self.positive_duration(&path.field("every"), &w.every);
        let (start, min, max, step, every) = (start?, min?, max?, step?, every?);
        if every < std::time::Duration::from_secs(1) {
            // Walks move at the kubelet's passes; finer steps only cost time.
            self.problem(
                &path.field("every"),
                "a random walk moves at most once a second: use \"1s\" or more",
            );
            return None;
        }
        if min > max {
            self.problem(&path.field("max"), format!("max {max} is less than min {min}"));
            return None;
        }
        if start < min || start > max {
            self.problem(&path.field("start"), format!("start {start} is outside min {min} to max {max}"));
            return None;
        }
        Some(UsageModel::RandomWalk { start, min, max, step, every })
    }

    /// One amount of `resource`: a quantity, not negative, and a whole number for `pids`.
    pub(super) fn usage_quantity(
        &mut self,
        path: &FieldPath,
        resource: UsageResource,
        text: &QuantityText,
    ) -> Option<Quantity> {
        let q = Quantity::parse(&text.0).map_err(|e| self.problem(path, e)).ok()?;
        if q.milli() < 0 {
            self.problem(path, format!("{:?} is negative", text.0));
            return None;
        }
        if resource == UsageResource::Pids && q.milli() % 1000 != 0 {
            self.problem(path, format!("{:?} is not a whole number (pids count processes)", text.0));
            return None;
        }
        Some(q)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Quantity;
    use crate::model::usage::{PodUsage, UsageModel};
    use crate::scenario::check_str;
    use std::time::Duration;

    /// The usage of the one agent, or every error as `line:column: field: message`.
    fn usage(fields: &str) -> Result<PodUsage, Vec<String>> {
        let src = format!(
            "(name: \"t\", horizon: \"1d\",\n nodes: [(name: \"w1\", capacity: {{\"cpu\": \"1\", \"memory\": \"1Gi\", \"pods\": \"10\"}})],\n policies: [(name: \"p\")],\n agents: [(name: \"a\", kind: DaemonSet, usage: ({fields}))],\n)"
        );
        check_str(&src, "t").map(|s| s.agents[0].template.usage.clone()).map_err(|errors| {
            errors.iter().map(|e| e.to_string().trim_start_matches("t:").to_string()).collect()
        })
    }

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }

    #[test]
    fn constants_and_walks_resolve_per_resource() {
        let u = usage(
            r#"memory: (start: "400Mi", min: "200Mi", max: "1500Mi", step: "50Mi", every: "1m"), cpu: "200m", pids: 120"#,
        )
        .unwrap();
        assert_eq!(
            u.memory,
            Some(UsageModel::RandomWalk {
                start: q("400Mi"),
                min: q("200Mi"),
                max: q("1500Mi"),
                step: q("50Mi"),
                every: Duration::from_secs(60),
            })
        );
        assert_eq!(u.cpu, Some(UsageModel::Constant(q("200m"))));
        assert_eq!(u.ephemeral_storage, None);
        assert_eq!(u.pids, Some(UsageModel::Constant(Quantity::from_units(120))));
        // Bounds may meet, and a walk may stand still.
        let u = usage(r#"pids: (start: 5, min: 5, max: 5, step: 0, every: "1s")"#).unwrap();
        assert!(matches!(u.pids, Some(UsageModel::RandomWalk { .. })));
        assert_eq!(usage("").unwrap(), PodUsage::default());
    }

    #[test]
    fn every_bad_part_of_a_walk_is_reported() {
        let errors = usage(
            r#"memory: (start: "-1Mi", min: "1 Mi", max: "1Gi", step: "-5Mi", every: "0s"), pids: "1.5""#,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.split(": ").nth(1).unwrap_or("")).collect();
        assert_eq!(
            fields,
            [
                "agents[0].usage.memory.start",
                "agents[0].usage.memory.min",
                "agents[0].usage.memory.step",
                "agents[0].usage.memory.every",
                "agents[0].usage.pids",
            ],
            "{errors:?}"
        );
        let errors = usage(r#"cpu: (start: "1", min: "2", max: "1", step: "0", every: "1m")"#).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].ends_with("agents[0].usage.cpu.max: max 1 is less than min 2"), "{errors:?}");
    }
}
