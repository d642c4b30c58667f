// ESLint for the web app: typescript-eslint's recommended rules and React's hooks rules.
// The hooks plugin's v7 "recommended" set is taken whole: besides rules-of-hooks and
// exhaustive-deps it carries the React Compiler's checks of the rules of React (refs read or
// written during render, impure calls in render, setState in effects or render, components made
// during render, mutation of props and state). Each is a bug class that exhaustive-deps misses and
// that bites once the compiler or concurrent rendering runs a component twice; on this code base
// they flagged a handful of places, each either a real fix or one commented exception.
// exhaustive-deps is raised to an error, and `npm run lint` allows no warnings.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";
import { defineConfig } from "eslint/config";

export default defineConfig(
  { ignores: ["dist/**", "node_modules/**"] },
  {
    files: ["src/**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // Says only that the React Compiler would skip a component using a library such as
      // @tanstack/react-virtual; this app does not run the compiler, so it is noise here.
      "react-hooks/incompatible-library": "off",
      // As tsc's noUnusedParameters: a leading underscore marks a parameter kept for its position.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
);
