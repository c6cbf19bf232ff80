package dev.benchlake.avro;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.apache.avro.Schema;

/**
 * What {@link BoundedDecoder} needs to know about a writer schema to reject impossible counts and indexes: the most
 * branches any of its unions has, and whether any of its arrays has items that take no bytes at all.
 *
 * @param unionBranches the largest number of branches of a union in the schema (0 if it has none)
 * @param emptyItems    true when an array's items can be encoded in zero bytes (records without fields)
 */
record ReadLimits(int unionBranches, boolean emptyItems) {

    static ReadLimits of(Schema schema) {
        Walk walk = new Walk();
        walk.visit(schema);
        return new ReadLimits(walk.unionBranches, walk.emptyItems);
    }

    private static final class Walk {
        private final Set<Schema> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        private int unionBranches;
        private boolean emptyItems;

        void visit(Schema schema) {
            if (!seen.add(schema)) {
                return;
            }
            switch (schema.getType()) {
                case UNION -> {
                    unionBranches = Math.max(unionBranches, schema.getTypes().size());
                    schema.getTypes().forEach(this::visit);
                }
                case RECORD -> schema.getFields().forEach(f -> visit(f.schema()));
                case MAP -> visit(schema.getValueType());
                case ARRAY -> {
                    emptyItems |= encodesInZeroBytes(schema.getElementType(), Collections.newSetFromMap(new IdentityHashMap<>()));
                    visit(schema.getElementType());
                }
                default -> {
                    // primitives, enums and fixed hold no other schema
                }
            }
        }

        private static boolean encodesInZeroBytes(Schema schema, Set<Schema> inProgress) {
            return switch (schema.getType()) {
                case NULL -> true;
                case FIXED -> schema.getFixedSize() == 0;
                case RECORD -> {
                    // a record that contains itself without a union in between has no finite value at all
                    if (!inProgress.add(schema)) {
                        yield false;
                    }
                    boolean empty = schema.getFields().stream().allMatch(f -> encodesInZeroBytes(f.schema(), inProgress));
                    inProgress.remove(schema);
                    yield empty;
                }
                default -> false;
            };
        }
    }
}
