package dev.benchlake.engine;

import java.util.EnumMap;
import java.util.Map;

import dev.benchlake.api.ApiOperation;

/** This task's share of the connector's ceilings: per operation, and for all operations together. */
record BudgetShare(Map<ApiOperation, Double> ceilings, double total) {

    static BudgetShare of(EngineSettings settings, int shards) {
        Map<ApiOperation, Double> ceilings = new EnumMap<>(ApiOperation.class);
        settings.ceilings().forEach((op, ceiling) -> ceilings.put(op, ceiling / shards));
        return new BudgetShare(ceilings, settings.maxRequestsPerSecond() / shards);
    }
}
