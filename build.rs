//! Embeds `static/` (the GOV.UK Frontend stylesheet, our own styles, the favicon) in the binary,
//! compressed, so that a release binary copied anywhere serves its styles.

fn main() {
    memory_serve::load_directory("./static");
}
