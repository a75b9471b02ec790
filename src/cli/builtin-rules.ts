export { builtinRules } from '../lint/builtin-rules';
