// What ide.e2e.mjs hands each feature's steps.
/**
 * @typedef {object} StepContext
 * @property {import("playwright-core").Page} page the IDE, signed in as the admin
 * @property {import("playwright-core").Browser} browser for a second user's context
 * @property {string} base the gateway's URL
 * @property {string} token the admin's token (for setup through the API)
 * @property {string} workspaceId the admin's workspace (hello.py in it)
 * @property {string} artifacts the folder screenshots go to
 * @property {(name: string, body: () => Promise<void>, on?: import("playwright-core").Page) => Promise<void>} step
 * @property {(name: string) => Promise<void>} shot a screenshot of the page under artifacts/
 */
export {};
