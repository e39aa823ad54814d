//! A map of the region's councils as SVG paths (pure): each council of the focus coloured by
//! its class, neighbouring councils in grey for context, scaled to a width in pixels with
//! north up. Coordinates are rounded to whole pixels and repeated points dropped: at a map's
//! scale that is the only simplification the super-generalised boundaries need, and a border
//! two councils share is rounded the same in both, so it stays shared.

use super::boundaries::{Point, Shape, shapes};

/// One council on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub code: String,
    pub name: String,
    /// The SVG path (`M…L…Z` per ring, whole pixels).
    pub d: String,
    /// Its CSS class (`better`, `worse`, …); `context` for a neighbour outside the focus.
    pub class: &'static str,
    /// What a pointer or screen reader reads: name, value, interval, comparison.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    pub width: f64,
    pub height: f64,
    /// Context first (drawn underneath), then the focus in the order given.
    pub areas: Vec<Area>,
    /// Focus councils without a boundary (none for English councils since 2019).
    pub missing: Vec<String>,
    /// The key: each class drawn and its words, in a fixed order.
    pub key: Vec<(&'static str, &'static str)>,
    /// What the map shows, for its title and description, and the prefix of its element ids
    /// (set by the page: several maps on one page have their own).
    pub title: String,
    pub description: String,
    pub id: String,
    /// Whether any area is hatched (the page defines the hatching once per map that uses it).
    pub hatched: bool,
    /// Where each council's shape links: its page ("/authorities/") unless the page says
    /// otherwise (the risk matrix links to the council's risk profile).
    pub links_to: &'static str,
}

/// Every class a map may use and its words (colour is never the only signal: the key names
/// each, the titles say each council's, and worse is also hatched).
pub const CLASSES: [(&str, &str); 20] = [
    ("better", "Significantly better"),
    ("similar", "Similar"),
    ("worse", "Significantly worse (hatched)"),
    ("neutral", "Higher or lower (no polarity)"),
    ("q1", "Quartile 1 (highest)"),
    ("q2", "Quartile 2"),
    ("q3", "Quartile 3"),
    ("q4", "Quartile 4 (lowest)"),
    ("focus", "This council"),
    ("neighbour", "Its CIPFA neighbours (outlined)"),
    ("region", "Other councils of the region"),
    ("w0", "No measure significantly worse"),
    ("w1", "Up to 10% of measures significantly worse"),
    ("w2", "10% to 25% significantly worse"),
    ("w3", "Over 25% significantly worse"),
    ("s0", "No concern"),
    ("s1", "Score in the lower third"),
    ("s2", "Score in the middle third"),
    ("s3", "Score in the upper third (most concern)"),
    ("none", "Not compared, or no value"),
];

/// The councils of `focus` (code, class, title) drawn within `width` by `height` pixels, with
/// the councils around them in grey.
pub fn map(focus: &[(String, &'static str, String)], (width, height): (f64, f64)) -> Option<Map> {
    let all = shapes();
    let drawn: Vec<(&Shape, &'static str, &String)> = focus
        .iter()
        .filter_map(|(code, class, title)| all.get(code).map(|s| (s, *class, title)))
        .collect();
    let missing = focus
        .iter()
        .filter(|(code, _, _)| !all.contains_key(code))
        .map(|(code, _, _)| code.clone())
        .collect();
    let (x0, y0, x1, y1) = drawn
        .iter()
        .map(|(s, _, _)| s.extent())
        .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))?;
    let pad = (x1 - x0).max(y1 - y0) * 0.04;
    let (x0, y0, x1, y1) = (x0 - pad, y0 - pad, x1 + pad, y1 + pad);
    let scale = (width / (x1 - x0)).min(height / (y1 - y0));
    let to_px = |(x, y): Point| (((x - x0) * scale).round(), ((y1 - y) * scale).round());
    // Context: councils around the focus, never a former council, nor a successor of a former
    // council in the focus (its shape is the merged one's).
    let formers = super::boundaries::abolished_councils();
    let mut hidden: Vec<&str> = drawn.iter().map(|(s, _, _)| s.code.as_str()).collect();
    hidden.extend(formers.iter().map(|(code, _, _)| code.as_str()));
    for (code, _, successors) in formers {
        if drawn.iter().any(|(s, _, _)| &s.code == code) {
            hidden.extend(successors.iter().map(String::as_str));
        }
    }
    let mut areas: Vec<Area> = all
        .values()
        .filter(|s| !hidden.contains(&s.code.as_str()))
        .filter(|s| {
            let e = s.extent();
            e.0 < x1 && e.2 > x0 && e.1 < y1 && e.3 > y0
        })
        .map(|s| Area {
            code: s.code.clone(),
            name: s.name.clone(),
            d: path(&s.rings, to_px),
            class: "context",
            title: s.name.clone(),
        })
        .collect();
    areas.sort_by(|a, b| a.code.cmp(&b.code));
    areas.extend(drawn.iter().map(|(s, class, title)| Area {
        code: s.code.clone(),
        name: s.name.clone(),
        d: path(&s.rings, to_px),
        class,
        title: (*title).clone(),
    }));
    let key = CLASSES
        .iter()
        .filter(|(class, _)| areas.iter().any(|a| a.class == *class))
        .copied()
        .collect();
    let hatched = areas.iter().any(|a| a.class == "worse");
    Some(Map {
        hatched,
        width: ((x1 - x0) * scale).round(),
        height: ((y1 - y0) * scale).round(),
        areas,
        missing,
        key,
        title: String::new(),
        description: String::new(),
        id: "map".into(),
        links_to: "/authorities/",
    })
}

/// A small locator map: the region's councils, `council` highlighted and its CIPFA
/// `neighbours` outlined (wherever in England they are), drawn last so they lie on top.
pub fn locator(region: &[String], council: &str, neighbours: &[String]) -> Option<Map> {
    let name = |code: &str| {
        shapes()
            .get(code)
            .map_or_else(|| code.to_string(), |s| s.name.clone())
    };
    let mut focus: Vec<(String, &'static str, String)> = region
        .iter()
        .filter(|c| *c != council && !neighbours.contains(c))
        .map(|c| (c.clone(), "region", name(c)))
        .collect();
    focus.extend(neighbours.iter().filter(|c| *c != council).map(|c| {
        (
            c.clone(),
            "neighbour",
            format!("{}: a CIPFA neighbour", name(c)),
        )
    }));
    focus.push((council.to_string(), "focus", name(council)));
    map(&focus, (260.0, 300.0))
}

/// Rings as an SVG path in whole pixels, repeated points dropped.
pub fn path(rings: &[Vec<Point>], to_px: impl Fn(Point) -> Point) -> String {
    let mut d = String::new();
    for ring in rings {
        let mut points: Vec<Point> = ring.iter().map(|p| to_px(*p)).collect();
        points.dedup();
        if points.len() < 3 {
            continue;
        }
        for (i, (x, y)) in points.iter().enumerate() {
            d.push(if i == 0 { 'M' } else { 'L' });
            d.push_str(&format!("{x:.0} {y:.0}"));
        }
        d.push('Z');
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn focus(codes: &[&str]) -> Vec<(String, &'static str, String)> {
        codes
            .iter()
            .map(|c| (c.to_string(), "better", format!("{c}: 1.0")))
            .collect()
    }

    #[test]
    fn each_focus_council_is_one_area_with_its_class_and_context_is_grey() {
        let m = map(&focus(&["E08000003", "E08000009"]), (400.0, 400.0)).unwrap();
        let focus: Vec<&Area> = m.areas.iter().filter(|a| a.class != "context").collect();
        assert_eq!(focus.len(), 2);
        assert_eq!(focus[0].name, "Manchester");
        assert!(focus[0].d.starts_with('M') && focus[0].d.ends_with('Z'));
        assert!(
            m.areas
                .iter()
                .any(|a| a.class == "context" && a.name == "Stockport")
        );
        assert!(m.height > 0.0 && m.width > 0.0 && m.width.max(m.height) == 400.0);
    }

    #[test]
    fn a_border_two_councils_share_is_the_same_pixels_in_both() {
        // Manchester and Trafford share a border: the points of one path that lie on the
        // other's are many, and each is exactly a point of the other (no gap, no sliver).
        let m = map(&focus(&["E08000003", "E08000009"]), (600.0, 600.0)).unwrap();
        let points = |code: &str| -> Vec<(i64, i64)> {
            let area = m.areas.iter().find(|a| a.code == code).unwrap();
            area.d
                .split(['M', 'L', 'Z'])
                .filter(|s| !s.is_empty())
                .map(|s| {
                    let (x, y) = s.split_once(' ').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        };
        let (manchester, trafford) = (points("E08000003"), points("E08000009"));
        let shared = manchester.iter().filter(|p| trafford.contains(p)).count();
        assert!(shared >= 10, "{shared} shared points");
    }

    #[test]
    fn cumbria_before_2023_is_drawn_from_its_successors() {
        let m = map(&focus(&["E10000006"]), (400.0, 400.0)).unwrap();
        let cumbria = m.areas.iter().find(|a| a.code == "E10000006").unwrap();
        assert_eq!(cumbria.name, "Cumbria");
        assert!(
            !m.areas
                .iter()
                .any(|a| a.code == "E06000063" || a.code == "E06000064"),
            "its successors are not drawn over it"
        );
    }

    #[test]
    fn the_locator_highlights_the_council_and_outlines_its_neighbours() {
        let region = ["E08000003", "E08000009", "E08000007"].map(String::from);
        let m = locator(&region, "E08000003", &["E08000035".to_string()]).unwrap();
        let class = |code: &str| m.areas.iter().find(|a| a.code == code).map(|a| a.class);
        assert_eq!(class("E08000003"), Some("focus"));
        assert_eq!(class("E08000009"), Some("region"));
        assert_eq!(
            class("E08000035"),
            Some("neighbour"),
            "Leeds, outside the region"
        );
        assert_eq!(m.areas.last().unwrap().code, "E08000003", "drawn on top");
        assert!(
            m.key
                .contains(&("neighbour", "Its CIPFA neighbours (outlined)"))
        );
    }

    #[test]
    fn a_council_without_a_boundary_is_listed_not_drawn() {
        let m = map(&focus(&["E08000003", "E99999999"]), (400.0, 400.0)).unwrap();
        assert_eq!(m.missing, ["E99999999"]);
    }
}
