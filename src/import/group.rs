//! Pods into workloads: pods of one controller become one workload entry (ReplicaSet pods
//! under their Deployment's name), bare pods with identical specs one entry with a count; and
//! the agents of a rendered manifest.

use super::convert::{Notes, PodInput, pdb, pod_shape};
use super::error::{ImportError, Place};
use super::origin::Origin;
use super::out::{KindOut, LabelSelectorOut, PdbOut, PodShape, WorkloadOut};
use super::read::{RawObject, typed};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::scheduling::v1::PriorityClass;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// An agent of the rendered manifest, as the pod list names its controller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AgentId {
    /// `None` when the manifest names no namespace (`helm template` without `-n` leaves it
    /// out for many charts): then the agent's pods are recognised in any namespace.
    pub(crate) namespace: Option<String>,
    pub(crate) name: String,
    pub(crate) daemon_set: bool,
}

fn namespace_of(ns: Option<&String>) -> String {
    ns.filter(|n| !n.is_empty()).cloned().unwrap_or_else(|| "default".into())
}

/// The highest value of a PriorityClass that is not a `system-` class (the API refuses more).
const HIGHEST_USER_PRIORITY: i32 = 1_000_000_000;

/// The PriorityClasses of a rendered manifest: name -> value, and where the value is.
fn priority_classes(objs: &[RawObject]) -> Result<BTreeMap<String, (i32, Place)>, ImportError> {
    let mut classes = BTreeMap::new();
    for obj in objs.iter().filter(|o| o.kind == "PriorityClass") {
        let class: PriorityClass = typed(obj)?;
        let name = class.metadata.name.clone().unwrap_or_default();
        if class.value > HIGHEST_USER_PRIORITY {
            return Err(ImportError::at(
                &obj.place,
                "value",
                format!(
                    "{} is above {HIGHEST_USER_PRIORITY}, the most the API accepts for a class that is not a \
                     system- class",
                    class.value
                ),
            ));
        }
        if classes.insert(name.clone(), (class.value, obj.place.clone())).is_some() {
            return Err(ImportError::at(
                &obj.place,
                "metadata.name",
                format!("a second PriorityClass named {name:?}"),
            ));
        }
    }
    Ok(classes)
}

/// The agents of a rendered manifest (every DaemonSet and Deployment). A pod template naming
/// one of the manifest's PriorityClasses gets its value, as the Priority admission plugin
/// gives it to the pods. PriorityClasses and PodDisruptionBudgets are read elsewhere; other
/// kinds are skipped and counted in a warning.
pub(crate) fn agents(
    objs: &[RawObject],
    notes: &mut Notes,
) -> Result<(Vec<WorkloadOut>, Vec<AgentId>), ImportError> {
    let mut out = Vec::new();
    let mut ids = Vec::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let classes = priority_classes(objs)?;
    for obj in objs {
        let (meta, template, kind, replicas) = match obj.kind.as_str() {
            "DaemonSet" => {
                let ds: DaemonSet = typed(obj)?;
                let spec = ds.spec.ok_or_else(|| ImportError::at(&obj.place, "spec", "missing"))?;
                (ds.metadata, spec.template, KindOut::DaemonSet, None)
            }
            "Deployment" => {
                let d: Deployment = typed(obj)?;
                let spec = d.spec.ok_or_else(|| ImportError::at(&obj.place, "spec", "missing"))?;
                let replicas = spec.replicas.unwrap_or(1);
                let replicas = u32::try_from(replicas).map_err(|_| {
                    ImportError::at(&obj.place, "spec.replicas", format!("{replicas} is negative"))
                })?;
                (d.metadata, spec.template, KindOut::Deployment, Some(replicas))
            }
            "PriorityClass" | "PodDisruptionBudget" => continue,
            other => {
                *skipped
                    .entry(if other.is_empty() { "(no kind)".into() } else { other.to_string() })
                    .or_default() += 1;
                continue;
            }
        };
        let name = meta.name.clone().unwrap_or_default();
        let namespace = namespace_of(meta.namespace.as_ref());
        let object = format!("{namespace}/{name}");
        let mut spec = template.spec.clone().unwrap_or_default();
        let mut class_place = None;
        if spec.priority.is_none() {
            if let Some((value, place)) = spec.priority_class_name.as_ref().and_then(|c| classes.get(c)) {
                spec.priority = Some(*value);
                class_place = Some(place.clone());
            }
        }
        let tmeta = template.metadata.clone().unwrap_or_default();
        let shape = pod_shape(
            &PodInput {
                place: &obj.place,
                spec_path: "spec.template.spec",
                object: &object,
                spec: &spec,
                labels: tmeta.labels.as_ref(),
                annotations: tmeta.annotations.as_ref(),
                daemon_pod: kind == KindOut::DaemonSet,
                keep_node_name: false,
            },
            notes,
        )?;
        if ids.iter().any(|a: &AgentId| a.name == name) {
            return Err(ImportError::at(
                &obj.place,
                "metadata.name",
                format!("a second agent named {name:?}"),
            ));
        }
        ids.push(AgentId {
            namespace: meta.namespace.clone().filter(|n| !n.is_empty()),
            name: name.clone(),
            daemon_set: kind == KindOut::DaemonSet,
        });
        let mut origin = Origin::new(&obj.place)
            .field("name", "metadata.name")
            .field("namespace", "metadata.namespace")
            .field("replicas", "spec.replicas")
            .pod_fields("spec.template.spec", "spec.template.metadata");
        if let Some(place) = class_place {
            origin = origin.field_at("priority", place, "value");
        }
        out.push(WorkloadOut::new(name, namespace, kind, replicas, None, shape).with_origin(origin));
    }
    if !skipped.is_empty() {
        let list: Vec<String> = skipped.iter().map(|(k, n)| format!("{n} {k}")).collect();
        notes.warnings.push(format!(
            "the agent manifest's objects other than DaemonSets, Deployments, PriorityClasses and \
             PodDisruptionBudgets were skipped: {}",
            list.join(", ")
        ));
    }
    Ok((out, ids))
}

/// A rendered agent manifest: its objects, its agents (in the order [`agents`] gives them) and
/// its file name for messages.
pub(crate) struct Manifest<'a> {
    pub(crate) objs: &'a [RawObject],
    pub(crate) ids: &'a [AgentId],
    pub(crate) file: &'a str,
}

/// Whether a budget's selector selects pods with `labels`.
fn selects(sel: &LabelSelectorOut, labels: &BTreeMap<String, String>) -> bool {
    sel.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
        && sel.match_expressions.iter().all(|r| match r.operator.as_str() {
            "In" => labels.get(&r.key).is_some_and(|v| r.values.contains(v)),
            "NotIn" => labels.get(&r.key).is_none_or(|v| !r.values.contains(v)),
            "Exists" => labels.contains_key(&r.key),
            "DoesNotExist" => !labels.contains_key(&r.key),
            _ => false,
        })
}

/// The namespace of the agents the manifest names none for, and the manifest's budgets.
///
/// An agent without a namespace whose pods the pod list shows in exactly one namespace gets
/// that namespace (with a note), and so do the manifest's budgets without one when that
/// namespace is the same for all such agents; otherwise it stays in `default`, with a warning
/// for each budget (`given` or the manifest's) that selects its pods in another namespace.
pub(crate) fn manifest_pdbs(
    manifest: &Manifest<'_>,
    agents: &mut [WorkloadOut],
    seen: &AgentNamespaces,
    given: &[PdbOut],
    notes: &mut Notes,
) -> Result<Vec<PdbOut>, ImportError> {
    let file = manifest.file;
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut unplaced = Vec::new();
    for (i, (a, id)) in agents.iter_mut().zip(manifest.ids).enumerate() {
        if id.namespace.is_some() {
            continue;
        }
        match seen.get(&a.name).filter(|s| s.len() == 1).and_then(|s| s.first()) {
            Some(ns) => {
                notes.warnings.push(format!(
                    "agent {:?} put in namespace {ns:?}: {file} names no namespace, and the pod list has the \
                     agent's pods in that namespace only",
                    a.name
                ));
                a.namespace = ns.clone();
                found.insert(ns.clone());
            }
            None => unplaced.push(i),
        }
    }
    let namespace = if found.len() == 1 { found.first().cloned() } else { None };
    let mut out = Vec::new();
    for obj in manifest.objs.iter().filter(|o| o.kind == "PodDisruptionBudget") {
        let Some(mut b) = pdb(obj, notes)? else { continue };
        let named =
            obj.value.pointer("/metadata/namespace").and_then(|v| v.as_str()).is_some_and(|n| !n.is_empty());
        if let (false, Some(ns)) = (named, &namespace) {
            notes.warnings.push(format!(
                "budget {:?} put in namespace {ns:?} with the agents: {file} names no namespace for it",
                b.name
            ));
            b.namespace = ns.clone();
        }
        out.push(b);
    }
    for a in unplaced.into_iter().map(|i| &agents[i]) {
        for b in given.iter().chain(&out) {
            let empty = b.selector.match_labels.is_empty() && b.selector.match_expressions.is_empty();
            if b.namespace != a.namespace && !empty && selects(&b.selector, &a.labels) {
                notes.warnings.push(format!(
                    "budget {}/{} selects the pods of agent {:?}, which is in namespace {:?}: {file} names no \
                     namespace and the pod list does not show the agent's pods in exactly one, so the budget \
                     covers none of them (render the manifest with `helm template -n {}`)",
                    b.namespace, b.name, a.name, a.namespace, b.namespace
                ));
            }
        }
    }
    Ok(out)
}

/// The name of the Deployment that owns a ReplicaSet: the ReplicaSet's name without its
/// pod-template-hash suffix.
pub(crate) fn deployment_of(replica_set: &str, hash: Option<&str>) -> String {
    if let Some(h) = hash.filter(|h| !h.is_empty()) {
        if let Some(base) = replica_set.strip_suffix(&format!("-{h}")) {
            return base.to_string();
        }
    }
    match replica_set.rsplit_once('-') {
        Some((base, _)) if !base.is_empty() => base.to_string(),
        _ => replica_set.to_string(),
    }
}

/// How pods are grouped.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum GroupKey {
    /// Pods of one controller: namespace, controller kind as simulated, controller name.
    Owned(String, &'static str, String),
    /// Bare pods (or pods of a controller the simulator treats as bare): namespace and shape.
    Bare(String, Box<PodShape>),
}

struct Group {
    name: String,
    namespace: String,
    kind: KindOut,
    shape: PodShape,
    pods: u32,
    differing: u32,
    place: Place,
}

/// The namespaces in which a pod list has the pods of each agent (by agent name).
pub(crate) type AgentNamespaces = BTreeMap<String, BTreeSet<String>>;

/// The business workloads of a pod list and how many pods they have. Pods of `agents` are left
/// out (the namespaces they are in are returned); finished pods (Succeeded, Failed) too.
pub(crate) fn business(
    objs: &[RawObject],
    agents: &[AgentId],
    notes: &mut Notes,
) -> Result<(Vec<WorkloadOut>, usize, AgentNamespaces), ImportError> {
    let mut agent_namespaces = AgentNamespaces::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<GroupKey, usize> = HashMap::new();
    let mut skipped_kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut finished = 0usize;
    let mut agent_pods = 0usize;
    let mut pods_used = 0usize;
    for obj in objs {
        if obj.kind != "Pod" {
            *skipped_kinds
                .entry(if obj.kind.is_empty() { "(no kind)".into() } else { obj.kind.clone() })
                .or_default() += 1;
            continue;
        }
        let pod: Pod = typed(obj)?;
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref()).unwrap_or("");
        if matches!(phase, "Succeeded" | "Failed") {
            finished += 1;
            continue;
        }
        let name = pod.metadata.name.clone().unwrap_or_default();
        let namespace = namespace_of(pod.metadata.namespace.as_ref());
        let object = format!("{namespace}/{name}");
        let owner = pod
            .metadata
            .owner_references
            .as_ref()
            .and_then(|refs| refs.iter().find(|r| r.controller == Some(true)).or_else(|| refs.first()));
        let labels = pod.metadata.labels.as_ref();
        let hash = labels.and_then(|l| l.get("pod-template-hash")).map(String::as_str);
        // (simulated kind, grouping class, controller name); None: a bare pod.
        let owned: Option<(KindOut, &'static str, String)> = match owner
            .map(|o| (o.kind.as_str(), o.name.as_str()))
        {
            None => None,
            Some(("ReplicaSet", rs)) => Some((KindOut::Deployment, "Deployment", deployment_of(rs, hash))),
            Some(("StatefulSet", s)) => Some((KindOut::Deployment, "StatefulSet", s.to_string())),
            Some(("DaemonSet", d)) => Some((KindOut::DaemonSet, "DaemonSet", d.to_string())),
            Some(("Job", j)) => Some((KindOut::Pod, "Job", j.to_string())),
            Some(("Node", _)) => None,
            Some((other, o)) => {
                notes.ignore(
                    format!("pods owned by a {other} (simulated as a Deployment of the same number of pods)"),
                    object.clone(),
                );
                Some((KindOut::Deployment, "Other", o.to_string()))
            }
        };
        let agent = owned.as_ref().and_then(|(_, class, owner)| {
            agents.iter().find(|a| {
                a.namespace.as_ref().is_none_or(|ns| *ns == namespace)
                    && a.name == *owner
                    && ((a.daemon_set && *class == "DaemonSet") || (!a.daemon_set && *class == "Deployment"))
            })
        });
        if let Some(a) = agent {
            agent_pods += 1;
            agent_namespaces.entry(a.name.clone()).or_default().insert(namespace);
            continue;
        }
        let spec = pod.spec.clone().unwrap_or_default();
        let bare = owned.is_none();
        if !bare && spec.node_name.as_deref().is_some_and(|n| !n.is_empty()) {
            notes.ignore(
                "spec.nodeName of pods a controller owns (the simulated scheduler places them again)",
                object.clone(),
            );
        }
        let shape = pod_shape(
            &PodInput {
                place: &obj.place,
                spec_path: "spec",
                object: &object,
                spec: &spec,
                labels,
                annotations: pod.metadata.annotations.as_ref(),
                daemon_pod: owned.as_ref().is_some_and(|(k, _, _)| *k == KindOut::DaemonSet),
                keep_node_name: bare,
            },
            notes,
        )?;
        pods_used += 1;
        let key = match &owned {
            Some((_, class, owner)) => GroupKey::Owned(namespace.clone(), class, owner.clone()),
            None => GroupKey::Bare(namespace.clone(), Box::new(shape.clone())),
        };
        match index.get(&key) {
            Some(&i) => {
                let g = &mut groups[i];
                g.pods += 1;
                if g.shape != shape {
                    g.differing += 1;
                }
            }
            None => {
                index.insert(key, groups.len());
                let (kind, group_name) = match owned {
                    Some((kind, _, owner)) => (kind, owner),
                    None => (KindOut::Pod, name.clone()),
                };
                groups.push(Group {
                    name: group_name,
                    namespace,
                    kind,
                    shape,
                    pods: 1,
                    differing: 0,
                    place: obj.place.clone(),
                });
            }
        }
    }
    let mut taken: BTreeSet<String> = agents.iter().map(|a| a.name.clone()).collect();
    let mut out = Vec::new();
    for g in groups {
        if g.differing > 0 {
            notes.warnings.push(format!(
                "{} of the {} pods of {}/{} differ from its first pod ({}); the first pod's spec is used for all",
                g.differing, g.pods, g.namespace, g.name, g.place
            ));
        }
        let mut name = g.name.clone();
        if taken.contains(&name) {
            name = format!("{}-{}", g.name, g.namespace);
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{}-{}-{n}", g.name, g.namespace);
                n += 1;
            }
        }
        taken.insert(name.clone());
        let (replicas, count) = match g.kind {
            KindOut::Deployment => (Some(g.pods), None),
            KindOut::DaemonSet => (None, None),
            KindOut::Pod => (None, Some(g.pods)),
        };
        // The first pod stands for the workload.
        let origin =
            Origin::new(&g.place).pod_fields("spec", "metadata").field("namespace", "metadata.namespace");
        out.push(WorkloadOut::new(name, g.namespace, g.kind, replicas, count, g.shape).with_origin(origin));
    }
    if finished > 0 {
        notes.warnings.push(format!("finished pods (phase Succeeded or Failed) left out: {finished}"));
    }
    if agent_pods > 0 {
        notes.warnings.push(format!(
            "pods of the agents in the pod list left out (the agents come from the agent manifest or the default \
             scenario): {agent_pods}"
        ));
    }
    if !skipped_kinds.is_empty() {
        let list: Vec<String> = skipped_kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        notes
            .warnings
            .push(format!("objects of the pod list that are not pods were skipped: {}", list.join(", ")));
    }
    Ok((out, pods_used, agent_namespaces))
}
