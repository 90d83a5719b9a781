import { render } from 'preact';
import { App } from './app.js';
import { loadStatus, startEvents } from './app-state.js';
import './styles.css';

void loadStatus();
startEvents();
render(<App />, document.getElementById('app')!);
