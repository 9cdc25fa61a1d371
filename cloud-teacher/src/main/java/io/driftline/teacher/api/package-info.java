/** The REST API the console uses: jobs, their details, manual triggers and retries. */
@NullMarked
package io.driftline.teacher.api;

import org.jspecify.annotations.NullMarked;
