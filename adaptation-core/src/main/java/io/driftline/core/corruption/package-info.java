/** Deterministic image corruptions (noise, blur, weather, light, digital, geometric) and the contact sheet. */
@NullMarked
package io.driftline.core.corruption;

import org.jspecify.annotations.NullMarked;
