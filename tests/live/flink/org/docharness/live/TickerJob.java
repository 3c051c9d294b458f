package org.docharness.live;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The docharness live lane's job: an unbounded, slow stream that runs until it is stopped.
 *
 * <p>A rate-limited generator emits ten numbers a second, forever; a keyed map counts them per
 * key in Flink state, so checkpoints and savepoints carry real state; the results are discarded.
 * Every operator has a fixed uid, so a savepoint of one run restores into the next. Stopping it
 * with a savepoint ("POST /jobs/:jobid/stop") ends it as FINISHED.
 */
public final class TickerJob {

    private TickerJob() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(10_000L);

        DataGeneratorSource<Long> ticks =
                new DataGeneratorSource<>(
                        index -> index, Long.MAX_VALUE, RateLimiterStrategy.perSecond(10), Types.LONG);

        env.fromSource(ticks, WatermarkStrategy.noWatermarks(), "ticks")
                .uid("ticks")
                .keyBy(tick -> tick % 4)
                .map(new CountPerKey())
                .uid("count-per-key")
                .name("count-per-key")
                .sinkTo(new DiscardingSink<>())
                .uid("discard")
                .name("discard");

        env.execute("docharness-ticker");
    }

    /** Counts the ticks seen per key; the count lives in keyed state. */
    static final class CountPerKey extends RichMapFunction<Long, Long> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public Long map(Long tick) throws Exception {
            Long seen = count.value();
            long next = (seen == null ? 0L : seen) + 1L;
            count.update(next);
            return next;
        }
    }
}
