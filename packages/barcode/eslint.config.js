import base from "@store/eslint-config/base";

export default [
  ...base,
  { languageOptions: { parserOptions: { projectService: { allowDefaultProject: ["*.mjs"] } } } },
];
