import { endQuietlyWhenStdoutCloses } from './end-quietly-when-stdout-closes.js';
import { main } from './main.js';

endQuietlyWhenStdoutCloses();
process.exitCode = await main(process.argv);
