package dev.flowstage.hooks.events;

/** Receives the events of a subscription, one at a time and in publication order. */
@FunctionalInterface
public interface EventListener {
    void onEvent(FlowstageEvent event);
}
