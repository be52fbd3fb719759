package io.sluice.transaction;

import io.sluice.config.BrokerConfig;

/**
 * The transaction coordinator's settings, under Kafka's names: transaction.max.timeout.ms (the longest timeout a
 * producer may ask for), transactional.id.expiration.ms (an idle transactional id is forgotten after it), and how
 * often timed-out transactions are aborted and expired ids removed.
 */
public record TransactionConfig(int maxTimeoutMs, long idExpirationMs, long abortTimedOutIntervalMs,
                                long removeExpiredIntervalMs) {
    public static TransactionConfig of(BrokerConfig config) {
        return new TransactionConfig(config.transactionMaxTimeoutMs(), config.transactionalIdExpirationMs(),
                config.transactionAbortTimedOutCleanupIntervalMs(), config.transactionRemoveExpiredCleanupIntervalMs());
    }
}
