package dev.flowstage.hooks.diff;

/** A changed text property of a node (a function's code, a template) as a unified line diff. */
public record TextDiff(String property, int linesAdded, int linesRemoved, String unified) {}
