/** The sandbox run's report: its data ({@link io.driftline.sandbox.report.SandboxReport}), JSON and HTML. */
@NullMarked
package io.driftline.sandbox.report;

import org.jspecify.annotations.NullMarked;
