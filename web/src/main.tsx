import { render } from 'preact';
import { App } from './app.js';
import { startEvents, startStatus } from './app-state.js';
import './styles.css';

startStatus();
startEvents();
render(<App />, document.getElementById('app')!);
