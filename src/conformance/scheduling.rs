//! Evaluators for the scheduler checks: `taintTolerationFilter`, `taintTolerationScore`,
//! `nodeUnschedulableFilter`, `feasibleNodes`, `nodeResourcesFit`, `leastAllocatedScore` and
//! `numNodesToScore`. They call the plugin functions of
//! [`controllers::scheduler`](crate::controllers::scheduler).

use super::objects::{Node, Pod};
use super::{EvalError, Registry, parse_input};
use crate::controllers::scheduler::{
    ScoredResource, filter_node_unschedulable, filter_resources_fit, filter_taint_toleration,
    least_allocated, nonzero_request, num_feasible_nodes_to_find, taint_toleration_scores,
};
use crate::model::ResourceList;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Registers this area's checks.
pub fn register(registry: &mut Registry) {
    registry
        .add("taintTolerationFilter", taint_toleration_filter)
        .add("taintTolerationScore", taint_toleration_score)
        .add("nodeUnschedulableFilter", node_unschedulable_filter)
        .add("feasibleNodes", feasible_nodes)
        .add("nodeResourcesFit", node_resources_fit)
        .add("leastAllocatedScore", least_allocated_score)
        .add("numNodesToScore", num_nodes_to_score);
}

/// Node name -> score, refusing two nodes with one name.
fn scores_by_name<'n>(names: impl Iterator<Item = &'n str>, scores: &[i64]) -> Result<Value, EvalError> {
    let mut map = Map::new();
    for (name, score) in names.zip(scores) {
        if map.insert(name.to_string(), json!(score)).is_some() {
            return Err(EvalError::Input(format!("node name {name:?} appears twice")));
        }
    }
    Ok(Value::Object(map))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PodAndNode {
    pod: Pod,
    node: Node,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PodAndNodes {
    pod: Pod,
    nodes: Vec<Node>,
}

fn taint_toleration_filter(input: &Value) -> Result<Value, EvalError> {
    let i: PodAndNode = parse_input(input)?;
    let status = filter_taint_toleration(&i.pod.spec.tolerations, &i.node.spec.taints);
    Ok(json!({ "status": status.code() }))
}

fn taint_toleration_score(input: &Value) -> Result<Value, EvalError> {
    let i: PodAndNodes = parse_input(input)?;
    let scores =
        taint_toleration_scores(&i.pod.spec.tolerations, i.nodes.iter().map(|n| n.spec.taints.as_slice()));
    Ok(json!({ "scores": scores_by_name(i.nodes.iter().map(|n| n.metadata.name.as_str()), &scores)? }))
}

fn node_unschedulable_filter(input: &Value) -> Result<Value, EvalError> {
    let i: PodAndNode = parse_input(input)?;
    let status = filter_node_unschedulable(&i.pod.spec.tolerations, i.node.spec.unschedulable);
    Ok(json!({ "status": status.code() }))
}

fn feasible_nodes(input: &Value) -> Result<Value, EvalError> {
    let i: PodAndNodes = parse_input(input)?;
    let tolerations = &i.pod.spec.tolerations;
    let feasible: Vec<&str> = i
        .nodes
        .iter()
        .filter(|n| {
            filter_node_unschedulable(tolerations, n.spec.unschedulable).is_success()
                && filter_taint_toleration(tolerations, &n.spec.taints).is_success()
        })
        .map(|n| n.metadata.name.as_str())
        .collect();
    Ok(json!({ "feasibleNodes": feasible }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NodeResourcesFitInput {
    pod: Pod,
    node: Node,
    requested_on_node: ResourceList,
    pods_on_node: u32,
}

fn node_resources_fit(input: &Value) -> Result<Value, EvalError> {
    let i: NodeResourcesFitInput = parse_input(input)?;
    let status = filter_resources_fit(
        &i.pod.summed_requests(),
        &i.node.status.allocatable,
        &i.requested_on_node,
        i.pods_on_node,
    );
    Ok(json!({ "status": status.code() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoringResource {
    name: String,
    weight: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct LeastAllocatedInput {
    scoring_resources: Vec<ScoringResource>,
    pod: Pod,
    nodes: Vec<Node>,
    existing_pods: Vec<Pod>,
}

/// A pod's request of `resource` as scoring counts it: per container, with the non-zero
/// defaults for cpu and memory.
fn pod_scoring_request(pod: &Pod, resource: &str) -> i64 {
    pod.spec.containers.iter().map(|c| nonzero_request(resource, &c.resources.requests)).sum()
}

fn least_allocated_score(input: &Value) -> Result<Value, EvalError> {
    let i: LeastAllocatedInput = parse_input(input)?;
    let mut scores = Vec::with_capacity(i.nodes.len());
    for node in &i.nodes {
        let on_node: Vec<&Pod> =
            i.existing_pods.iter().filter(|p| p.spec.node_name == node.metadata.name).collect();
        let resources: Vec<ScoredResource> = i
            .scoring_resources
            .iter()
            .map(|r| {
                let name = r.name.as_str();
                let node_requested = on_node.iter().map(|p| pod_scoring_request(p, name)).sum();
                let allocatable = node.status.allocatable.get(name).milli();
                ScoredResource::new(
                    name,
                    pod_scoring_request(&i.pod, name),
                    node_requested,
                    allocatable,
                    r.weight,
                )
            })
            .collect();
        scores.push(least_allocated(&resources));
    }
    Ok(json!({ "scores": scores_by_name(i.nodes.iter().map(|n| n.metadata.name.as_str()), &scores)? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NumNodesInput {
    num_all_nodes: usize,
    percentage_of_nodes_to_score: u32,
}

fn num_nodes_to_score(input: &Value) -> Result<Value, EvalError> {
    let i: NumNodesInput = parse_input(input)?;
    Ok(json!({ "numNodes": num_feasible_nodes_to_find(i.num_all_nodes, i.percentage_of_nodes_to_score) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_allocated_counts_defaults_per_container_and_nothing_for_no_container() {
        let node =
            json!({"metadata": {"name": "n"}, "status": {"allocatable": {"cpu": "1", "memory": "1Gi"}}});
        let resources = json!([{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]);
        let two_empty = json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}]}});
        let input =
            json!({"scoringResources": resources, "pod": two_empty, "nodes": [node], "existingPods": []});
        // cpu (1000-200)*100/1000 = 80, memory (1024-400)*100/1024 = 60 -> 70.
        assert_eq!(least_allocated_score(&input).unwrap(), json!({"scores": {"n": 70}}));
        let input =
            json!({"scoringResources": resources, "pod": {"spec": {}}, "nodes": [node], "existingPods": []});
        assert_eq!(least_allocated_score(&input).unwrap(), json!({"scores": {"n": 100}}));
    }

    #[test]
    fn duplicate_node_names_are_malformed() {
        let node = json!({"metadata": {"name": "n"}, "spec": {}});
        let input = json!({"pod": {"spec": {}}, "nodes": [node, node]});
        assert!(matches!(taint_toleration_score(&input), Err(EvalError::Input(_))));
    }
}
