// Tests see the same named models as the CLI and the library entry.
import { registerBuiltins } from '../src/builtins.js';

registerBuiltins();
