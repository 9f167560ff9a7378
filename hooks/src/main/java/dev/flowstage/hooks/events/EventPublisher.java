package dev.flowstage.hooks.events;

/** Where code that makes something happen reports it: {@code events.publish(FlowstageEvent.run(...))}. */
@FunctionalInterface
public interface EventPublisher {
    EventPublisher NONE = event -> { };

    /** Returns at once: delivery to subscribers happens on the bus's own threads. */
    void publish(FlowstageEvent event);
}
