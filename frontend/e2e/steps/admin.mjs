// Browser end-to-end steps for issue 18's admin features; run by ide.e2e.mjs, signed in as the admin.
/** @param {import("./context.mjs").StepContext} ctx */
export async function adminSteps(ctx) {}
