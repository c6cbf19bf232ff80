package dev.benchlake.record;

import org.apache.kafka.connect.errors.DataException;

/** A NaN metric met with {@code nan.handling=fail}. */
public class NanMetricException extends DataException {

    private static final long serialVersionUID = 1L;

    public NanMetricException(String jobName, String stepId, String field) {
        super("job " + jobName + ", step " + stepId + ": field " + field
                + " is NaN and nan.handling=fail; set nan.handling=null to write null or keep to write NaN");
    }
}
