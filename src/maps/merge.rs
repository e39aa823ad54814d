//! One outline from neighbouring shapes that share their border point for point (as ONS's
//! boundaries of one release do): every edge walked one way by one shape and the other way by
//! its neighbour is inside the merged shape and is dropped; the edges left are stitched back
//! into rings. A former council (Cumbria) is drawn this way from its successors.

use std::collections::HashMap;

use super::boundaries::{Point, Shape};

/// A point as an exact key (the same vertex in two shapes is the same bits).
type Key = (u64, u64);

fn key(p: Point) -> Key {
    (p.0.to_bits(), p.1.to_bits())
}

/// The rings of `shapes` merged: their outer boundary (and any holes), without the borders
/// they share.
pub fn merged(shapes: &[&Shape]) -> Vec<Vec<Point>> {
    let mut edges: Vec<(Point, Point)> = Vec::new();
    for ring in shapes.iter().flat_map(|s| &s.rings) {
        edges.extend(
            ring.windows(2)
                .map(|w| (w[0], w[1]))
                .filter(|(a, b)| key(*a) != key(*b)),
        );
    }
    let mut count: HashMap<(Key, Key), usize> = HashMap::new();
    for (a, b) in &edges {
        *count.entry((key(*a), key(*b))).or_default() += 1;
    }
    let outer: Vec<(Point, Point)> = edges
        .into_iter()
        .filter(|(a, b)| !count.contains_key(&(key(*b), key(*a))))
        .collect();
    stitch(outer)
}

/// Directed edges joined end to start into closed rings.
fn stitch(edges: Vec<(Point, Point)>) -> Vec<Vec<Point>> {
    let mut from: HashMap<Key, Vec<usize>> = HashMap::new();
    for (i, (a, _)) in edges.iter().enumerate() {
        from.entry(key(*a)).or_default().push(i);
    }
    let mut used = vec![false; edges.len()];
    let mut rings = Vec::new();
    for start in 0..edges.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let mut ring = vec![edges[start].0, edges[start].1];
        let mut at = edges[start].1;
        while key(at) != key(edges[start].0) {
            let next = from
                .get(&key(at))
                .and_then(|candidates| candidates.iter().copied().find(|i| !used[*i]));
            let Some(i) = next else {
                break;
            };
            used[i] = true;
            at = edges[i].1;
            ring.push(at);
        }
        if ring.len() >= 4 {
            rings.push(ring);
        }
    }
    rings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: &str, x0: f64, y0: f64) -> Shape {
        Shape {
            code: code.into(),
            name: code.into(),
            rings: vec![vec![
                (x0, y0),
                (x0 + 1.0, y0),
                (x0 + 1.0, y0 + 1.0),
                (x0, y0 + 1.0),
                (x0, y0),
            ]],
        }
    }

    #[test]
    fn two_squares_sharing_a_side_merge_into_one_rectangle() {
        let (a, b) = (square("A", 0.0, 0.0), square("B", 1.0, 0.0));
        let rings = merged(&[&a, &b]);
        assert_eq!(rings.len(), 1, "{rings:?}");
        let ring = &rings[0];
        assert_eq!(ring.first(), ring.last(), "closed");
        // Six corners: the shared side (1,0)-(1,1) is gone, its ends stay as points on the
        // long sides.
        assert_eq!(ring.len(), 7, "{ring:?}");
        assert!(
            !ring
                .windows(2)
                .any(|w| (w[0] == (1.0, 0.0) && w[1] == (1.0, 1.0))
                    || (w[0] == (1.0, 1.0) && w[1] == (1.0, 0.0))),
            "no edge along the shared side"
        );
    }

    #[test]
    fn apart_shapes_keep_their_own_rings() {
        let (a, b) = (square("A", 0.0, 0.0), square("B", 5.0, 0.0));
        assert_eq!(merged(&[&a, &b]).len(), 2);
    }
}
