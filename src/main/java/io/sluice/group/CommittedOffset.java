package io.sluice.group;

/**
 * A consumer group's committed position on one partition, as OffsetCommit stored it.
 * leaderEpoch is -1 when the client did not send one; expireTimestamp is -1 unless a v1 commit set it.
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestamp, long expireTimestamp) {
}
