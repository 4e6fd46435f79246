//! The RON examples in the README are scenarios (or parts of one) that must keep loading.

use taintsim::scenario::load_str;

fn ron_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```ron") => current = Some(String::new()),
            (Some(_), l) if l.starts_with("```") => blocks.push(current.take().unwrap_or_default()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn every_complete_scenario_example_in_the_readme_loads() {
    let readme = include_str!("../README.md");
    let blocks = ron_blocks(readme);
    let complete: Vec<&String> =
        blocks.iter().filter(|b| b.contains("horizon:") && b.contains("policies:")).collect();
    assert!(!complete.is_empty(), "the README shows at least one complete scenario");
    for (i, block) in complete.iter().enumerate() {
        if let Err(e) = load_str(block, &format!("README example {i}")) {
            panic!("README example {i} does not load: {e}\n{block}");
        }
    }
}

#[test]
fn the_generators_example_in_the_readme_loads_into_the_default_nodes() {
    let readme = include_str!("../README.md");
    let blocks = ron_blocks(readme);
    let example =
        blocks.iter().find(|b| b.trim_start().starts_with("generators:")).expect("a generators example");
    // The default scenario has the pools the example names; put the example in place of its
    // own generators.
    let default = taintsim::scenario::DEFAULT_SCENARIO_SOURCE;
    let start = default.find("    generators: [").expect("the default scenario has generators");
    let source = format!("{}{}\n)\n", &default[..start], example.trim_end().trim_end_matches(','));
    let sc = load_str(&source, "README generators example").unwrap_or_else(|e| panic!("{e}\n{source}"));
    assert_eq!(sc.generators.len(), 5);
}
