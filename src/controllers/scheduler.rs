//! kube-scheduler's default profile, as far as the modeled fields go.
