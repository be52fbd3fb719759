package io.sluice.metadata;

import java.util.List;

/**
 * One metadata log entry: a record batch and the controller term (Raft term) it was computed in. The state machine
 * rejects a command whose term is not the term of the entry that carries it, i.e. work of a deposed controller
 * that reached the log through the new leader. A negative term opts out of that check; such commands rely on
 * the records' own expectations (partition epochs, unused names and ids).
 */
public record MetadataCommand(long controllerTerm, List<MetadataRecord> records) {
    public MetadataCommand {
        records = List.copyOf(records);
    }
}
