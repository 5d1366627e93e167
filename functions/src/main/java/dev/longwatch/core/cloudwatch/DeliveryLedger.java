package dev.longwatch.core.cloudwatch;

/**
 * Port: which Firehose deliveries (by request id) a tenant's stream already holds. Firehose retries a failed
 * or timed-out delivery with the same request id; the ledger lets a retry of a delivery that did reach the
 * stream be answered without putting its points there a second time.
 */
public interface DeliveryLedger {

    enum Claim {
        /** New (or an earlier attempt gave up): this attempt processes it. */
        CLAIMED,
        /** An earlier attempt put it on the stream. */
        DONE,
        /** Another attempt is processing it right now. */
        IN_PROGRESS
    }

    /**
     * Claims the delivery until {@code claimUntil} (epoch ms), unless it is done or claimed by an attempt whose
     * claim has not run out at {@code now}. {@code expiresAt} is when the record may be forgotten.
     */
    Claim claim(String tenant, String deliveryId, long now, long claimUntil, long expiresAt);

    /** The delivery is on the stream. */
    void complete(String tenant, String deliveryId, long expiresAt);

    /** The attempt failed before the delivery was on the stream: a retry must process it again. */
    void abandon(String tenant, String deliveryId);

    /** No deduplication: every attempt is processed. */
    DeliveryLedger NONE = new DeliveryLedger() {
        @Override
        public Claim claim(String tenant, String deliveryId, long now, long claimUntil, long expiresAt) {
            return Claim.CLAIMED;
        }

        @Override
        public void complete(String tenant, String deliveryId, long expiresAt) {
        }

        @Override
        public void abandon(String tenant, String deliveryId) {
        }
    };
}
