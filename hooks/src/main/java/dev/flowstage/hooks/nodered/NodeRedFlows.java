package dev.flowstage.hooks.nodered;

import com.fasterxml.jackson.databind.node.ArrayNode;

/** The flows a running Node-RED has deployed ({@code GET /flows}, API v2) and their revision (may be null). */
public record NodeRedFlows(String rev, ArrayNode flows) {}
