/**
 * The dependency plan of a snapshot: the modules its package.json requires, the node types its flows use
 * that none of those provide (mapped through the node catalog shipped in the jar), and the npm install line.
 */
package dev.flowstage.hooks.deps;
