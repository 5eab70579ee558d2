import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../vitest.shared.js';

export default mergeConfig(sharedVitestConfig, defineConfig({ test: { name: '@switchyard/a2a' } }));
