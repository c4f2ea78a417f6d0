//! Ratio columns of the detail tables: load by load where two strategies shared loads.

use lockclass_report::aggregate::Summary;
use lockclass_report::report::md::{load_ratios, ratio_cell};
use lockclass_report::tidy::DataRow;

fn summary(strategy: &str, per_load: &[f64]) -> Summary {
    let rows: Vec<DataRow> = per_load
        .iter()
        .enumerate()
        .map(|(i, &ns)| DataRow {
            ns_per_op: ns,
            boot: Some(1),
            load: Some(i as u32 + 1),
            run: Some(1),
            ..DataRow::basic("guest-uml", strategy, "lookup", 1, 64)
        })
        .collect();
    Summary::of(&rows.iter().collect::<Vec<_>>())
}

#[test]
fn ratio_is_taken_load_by_load() {
    // Per load 2x, 1x and 3x; the figures' own medians are both 10 (1x).
    let (a, b) = (
        summary("cached", &[2.0, 10.0, 30.0]),
        summary("location", &[1.0, 10.0, 10.0]),
    );
    assert_eq!(load_ratios(&a, &b), Some((2.0, 1.0, 3.0, 3)));
    assert_eq!(ratio_cell(&a, &b), "2.00x [1.00x–3.00x, 3 loads]");
}

#[test]
fn fewer_than_three_shared_loads_fall_back_to_the_figures() {
    let (a, b) = (
        summary("cached", &[2.0, 4.0]),
        summary("location", &[1.0, 1.0]),
    );
    assert_eq!(load_ratios(&a, &b), None);
    assert_eq!(ratio_cell(&a, &b), "3.00x");
}
