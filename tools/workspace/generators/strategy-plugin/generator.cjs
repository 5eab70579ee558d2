// `npx nx g @switchyard/tools:strategy-plugin NAME`: a strategy plugin package that builds, passes
// its own tests, and can be published as it is. CommonJS, so Nx loads it without a TS loader.
const path = require('node:path');
const { formatFiles, generateFiles, names, offsetFromRoot, updateJson } = require('@nx/devkit');

module.exports = async function strategyPluginGenerator(tree, options) {
  const name = options.name;
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`name: '${name}' must be lower-case words separated by '-' (e.g. least-recent)`);
  }
  const projectRoot = options.directory ?? `packages/strategy-${name}`;
  if (tree.exists(projectRoot)) throw new Error(`directory: ${projectRoot} already exists`);
  const packageName = options.packageName ?? `@switchyard/strategy-${name}`;
  const variable = `${names(name).propertyName}Strategy`;
  generateFiles(tree, path.join(__dirname, 'files'), projectRoot, {
    name,
    packageName,
    strategyName: name.replace(/-/g, '_'),
    variable,
    offset: offsetFromRoot(projectRoot),
    tmpl: '',
  });
  if (tree.exists('tsconfig.base.json')) {
    updateJson(tree, 'tsconfig.base.json', (json) => {
      json.compilerOptions.paths = { ...json.compilerOptions.paths, [packageName]: [`./${projectRoot}/src/index.ts`] };
      return json;
    });
  }
  // The repository's format check is part of npm test: a new plugin starts formatted.
  await formatFiles(tree);
  return () => {
    console.log(
      `\n${packageName} is in ${projectRoot}. Next: npm install, then npx nx run-many -t test build -p ${path.basename(projectRoot)}`,
    );
  };
};
