-- backcourt.no_reprocessing(date): the reference's reprocessing bookkeeping columns of the Phase 4
-- tables (reference-phase4 §1.7, the "14 fields" block), as a struct a model expands with unnest().
-- backcourt has no per-entity circuit breaker or reprocess counter: the run ledger decides what
-- reruns, so these are constants, kept so that exported rows fit the reference's tables.
CREATE OR REPLACE MACRO backcourt.no_reprocessing(d) AS {
    'last_reprocess_attempt_at': CAST(NULL AS TIMESTAMPTZ),
    'reprocess_attempt_count': 0,
    'circuit_breaker_active': false,
    'circuit_breaker_until': CAST(NULL AS TIMESTAMPTZ),
    'manual_override_required': false,
    'season_boundary_detected': month(d) IN (10, 11, 4),
    'backfill_bootstrap_mode': false,
    'processing_decision_reason': 'processed_successfully'
};
