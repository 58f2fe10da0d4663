//! Every migration applies, reverts and applies again on the backend under test.

use consignee_registry::db::pool::PoolOptions;
use consignee_registry::db::{migrations, Db};
use std::time::Duration;

use crate::helpers::TestDatabase;

#[tokio::test]
async fn migrations_apply_revert_and_apply_again() {
    let database = TestDatabase::create_empty().await;
    let url = database.url.clone();
    tokio::task::spawn_blocking(move || {
        let options = PoolOptions { max_size: 1, connection_timeout: Duration::from_secs(5), busy_timeout_ms: 1000 };
        let db = Db::connect(&url, &options).unwrap();
        let mut conn = db.get_blocking().unwrap();
        assert!(migrations::has_pending(&mut conn).unwrap());
        let applied = migrations::run_pending(&mut conn).unwrap();
        assert!(applied >= 3, "applied {applied}");
        assert!(!migrations::has_pending(&mut conn).unwrap());
        assert_eq!(migrations::revert_all(&mut conn).unwrap(), applied);
        assert!(migrations::has_pending(&mut conn).unwrap());
        assert_eq!(migrations::run_pending(&mut conn).unwrap(), applied);
        assert!(!migrations::has_pending(&mut conn).unwrap());
    })
    .await
    .unwrap();
}
