//! A request's writes held open in one transaction until its outcome is stored with them: an
//! `Idempotency-Key`'s response commits together with the change it answers, or neither does.

use std::future::Future;
use std::sync::{Arc, Mutex};

use actix_web::web;

use super::pool::DbManager;
use super::{dispatch, Db, DbConnection};
use crate::error::ApiError;

type Pooled = r2d2::PooledConnection<DbManager>;

tokio::task_local! {
    static HELD: Arc<HeldWrite>;
}

/// The open transaction of one request, begun by its first write.
#[derive(Default)]
pub struct HeldWrite(Mutex<Option<Pooled>>);

impl HeldWrite {
    /// Runs `fut` with every write it makes through a [`Db`] joining this one transaction.
    pub async fn scope<F: Future>(self: Arc<Self>, fut: F) -> F::Output {
        HELD.scope(self, fut).await
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Option<Pooled>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The held transaction of the current task, if it runs in a scope.
pub(super) fn current() -> Option<Arc<HeldWrite>> {
    HELD.try_with(Arc::clone).ok()
}

/// The held transaction of the current task, if a write has opened it.
pub(super) fn open() -> Option<Arc<HeldWrite>> {
    current().filter(|held| held.connection().is_some())
}

impl Db {
    /// Runs `f` on the held transaction's connection.
    pub(super) async fn run_held<T, F>(&self, held: Arc<HeldWrite>, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        web::block(move || match held.connection().as_mut() {
            Some(conn) => f(conn),
            None => Err(ApiError::internal("the held transaction is gone")),
        })
        .await?
    }

    /// Runs `f` as a savepoint of the held transaction, opening it (with the write lock) first.
    pub(super) async fn write_held<T, F>(&self, held: Arc<HeldWrite>, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut slot = held.connection();
            if slot.is_none() {
                let mut conn = pool.get()?;
                dispatch::begin_write(&mut conn)?;
                *slot = Some(conn);
            }
            let conn: &mut DbConnection = slot.as_mut().expect("opened above");
            diesel::Connection::transaction(conn, f)
        })
        .await?
    }

    /// Ends the held transaction, if a write opened it: commits when `outcome` (run in it) answers
    /// `true`, else rolls back. `None` when nothing was written.
    pub async fn end_held<F>(&self, held: &HeldWrite, outcome: F) -> Result<Option<bool>, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<bool, ApiError> + Send + 'static,
    {
        let Some(mut conn) = held.connection().take() else { return Ok(None) };
        web::block(move || {
            let keep = outcome(&mut conn);
            match keep {
                Ok(true) => dispatch::commit(&mut conn).map(|()| Some(true)),
                Ok(false) => {
                    dispatch::rollback(&mut conn);
                    Ok(Some(false))
                }
                Err(e) => {
                    dispatch::rollback(&mut conn);
                    Err(e)
                }
            }
        })
        .await?
    }
}
