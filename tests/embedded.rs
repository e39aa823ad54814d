//! The embedded default database: it starts, keeps its data across a restart, and stops.

use scorecard::config::DatabaseConfig;
use scorecard::db::Database;

#[tokio::test]
async fn embedded_cluster_starts_persists_and_stops() {
    let data_dir = std::env::temp_dir().join(format!("scorecard-embedded-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let config = DatabaseConfig {
        database_url: None,
        data_dir: data_dir.clone(),
    };
    let socket = config.cluster_dir().join(".s.PGSQL.5432");

    let db = Database::open(&config)
        .await
        .expect("first start initialises and migrates");
    assert!(
        socket.exists(),
        "listens on a Unix socket inside its data directory"
    );
    let measures: i64 = sqlx::query_scalar("SELECT count(*) FROM domains")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(measures, 6, "migrations ran");
    sqlx::query("INSERT INTO areas (code, name, level) VALUES ('E92000001', 'England', 'england')")
        .execute(&db.pool)
        .await
        .unwrap();
    db.close().await.expect("stops cleanly");
    assert!(!socket.exists(), "the server has stopped");
    assert!(!config.cluster_dir().join("postmaster.pid").exists());

    let db = Database::open(&config)
        .await
        .expect("second start reuses the cluster");
    let name: String = sqlx::query_scalar("SELECT name FROM areas WHERE code = 'E92000001'")
        .fetch_one(&db.pool)
        .await
        .expect("data persisted across the restart");
    assert_eq!(name, "England");
    db.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[test]
fn a_non_empty_directory_without_a_cluster_is_refused_clearly() {
    let dir = std::env::temp_dir().join(format!("scorecard-notcluster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("something.txt"), "not a cluster").unwrap();
    let err = scorecard::db::embedded::Cluster::start(&dir, Default::default()).unwrap_err();
    assert!(
        err.to_string().contains("holds no PostgreSQL cluster"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
