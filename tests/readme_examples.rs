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
