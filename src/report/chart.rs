//! The page's charts, drawn by `plotters` into SVG strings (its SVG backend escapes the labels
//! it writes; with no font feature it needs no font files or system libraries).

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

/// The bars' fill: tests look for these pixels in a screenshot of the page.
pub const BAR: RGBColor = RGBColor(44, 160, 44);
/// A timeline's line and its undisputed points.
pub const LINE: RGBColor = RGBColor(31, 119, 180);
/// A disputed point.
pub const DISPUTED: RGBColor = RGBColor(214, 39, 40);

const WIDTH: u32 = 900;

/// One point of a timeline: its value and whether a check disputes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The value (money in units of its currency, percent as 25.0, counts).
    pub value: f64,
    /// True when a finding covers the figure.
    pub disputed: bool,
}

/// A label cut to `max` characters (with `…`), so long names do not run over the plot.
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let mut s: String = label.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// A number in few characters for an axis (`1.5 bn`, `250 k`, `12.5`).
pub fn compact(v: f64) -> String {
    let a = v.abs();
    let (x, suffix) = if a >= 1e12 {
        (v / 1e12, " tn")
    } else if a >= 1e9 {
        (v / 1e9, " bn")
    } else if a >= 1e6 {
        (v / 1e6, " m")
    } else if a >= 1e4 {
        (v / 1e3, " k")
    } else {
        (v, "")
    };
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}{suffix}")
}

fn failed<E: std::fmt::Debug>(e: E) -> String {
    format!("the chart could not be drawn: {e:?}")
}

/// Horizontal bars, one per `(label, count)`, the first at the top.
pub fn bars(items: &[(String, usize)]) -> Result<String, String> {
    let n = items.len().max(1) as u32;
    let max = items.iter().map(|i| i.1).max().unwrap_or(1).max(1) as u32;
    let height = 40 + 24 * n;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(200)
            .build_cartesian_2d(0u32..max + max / 10 + 1, (0u32..n - 1).into_segmented())
            .map_err(failed)?;
        // Row 0 is drawn at the bottom: item i sits on row n-1-i.
        let label = |v: &SegmentValue<u32>| match v {
            SegmentValue::CenterOf(row) if *row < n => items
                .get((n - 1 - row) as usize)
                .map(|i| short(&i.0, 28))
                .unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n as usize)
            .y_label_formatter(&label)
            .x_desc("mentions")
            .draw()
            .map_err(failed)?;
        chart
            .draw_series(items.iter().enumerate().map(|(i, (_, count))| {
                let row = n - 1 - i as u32;
                let mut r = Rectangle::new(
                    [
                        (0, SegmentValue::Exact(row)),
                        (*count as u32, SegmentValue::Exact(row + 1)),
                    ],
                    BAR.filled(),
                );
                r.set_margin(3, 3, 0, 0);
                r
            }))
            .map_err(failed)?;
        root.present().map_err(failed)?;
    }
    Ok(svg)
}

/// A line through `points` in order, labelled by `labels` (one per point) along the x axis;
/// disputed points are red crosses, the others blue dots.
pub fn timeline(points: &[Point], labels: &[String]) -> Result<String, String> {
    let n = points.len().max(1) as u32;
    let lo = points.iter().map(|p| p.value).fold(f64::INFINITY, f64::min);
    let hi = points
        .iter()
        .map(|p| p.value)
        .fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return Err("no values to draw".into());
    }
    let pad = if hi > lo {
        (hi - lo) * 0.12
    } else {
        hi.abs().max(1.0) * 0.2
    };
    let (y0, y1) = (
        if lo >= 0.0 {
            (lo - pad).max(0.0)
        } else {
            lo - pad
        },
        hi + pad,
    );
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d((0u32..n - 1).into_segmented(), y0..y1)
            .map_err(failed)?;
        let label = |v: &SegmentValue<u32>| match v {
            SegmentValue::CenterOf(i) => labels
                .get(*i as usize)
                .map(|l| short(l, 14))
                .unwrap_or_default(),
            _ => String::new(),
        };
        let value = |v: &f64| compact(*v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n as usize)
            .x_label_formatter(&label)
            .y_label_formatter(&value)
            .draw()
            .map_err(failed)?;
        let at = |i: usize, p: &Point| (SegmentValue::CenterOf(i as u32), p.value);
        chart
            .draw_series(LineSeries::new(
                points.iter().enumerate().map(|(i, p)| at(i, p)),
                LINE.stroke_width(2),
            ))
            .map_err(failed)?;
        chart
            .draw_series(
                points
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| !p.disputed)
                    .map(|(i, p)| Circle::new(at(i, p), 5, LINE.filled())),
            )
            .map_err(failed)?;
        chart
            .draw_series(
                points
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.disputed)
                    .map(|(i, p)| Cross::new(at(i, p), 7, DISPUTED.stroke_width(3))),
            )
            .map_err(failed)?;
        root.present().map_err(failed)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact() {
        assert_eq!(compact(1_500_000_000.0), "1.5 bn");
        assert_eq!(compact(250_000.0), "250 k");
        assert_eq!(compact(12.5), "12.5");
        assert_eq!(compact(-3e6), "-3 m");
    }

    #[test]
    fn bars_are_svg_with_escaped_labels() {
        let svg = bars(&[("<script>x</script>".into(), 5), ("B".into(), 2)]).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("rgb(44,160,44)") || svg.contains("#2CA02C"));
    }

    #[test]
    fn timelines_mark_disputed_points() {
        let pts = [
            Point {
                value: 10.0,
                disputed: false,
            },
            Point {
                value: 12.0,
                disputed: true,
            },
        ];
        let svg = timeline(&pts, &["2020-01-01".into(), "2020-02-01".into()]).unwrap();
        assert!(svg.contains("2020-01-01"));
        let red = svg.contains("rgb(214,39,40)") || svg.contains("#D62728");
        assert!(red, "the disputed point is drawn in red");
        assert!(timeline(&[], &[]).is_err());
        // One value alone still gets a y range.
        assert!(timeline(&pts[..1], &["a".into()]).is_ok());
    }
}
