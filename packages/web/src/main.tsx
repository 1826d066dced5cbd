import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import 'uplot/dist/uPlot.min.css';
import 'react-grid-layout/css/styles.css';
import 'react-resizable/css/styles.css';
import { App } from './App.tsx';
import './styles.css';
import './model-tabs.css';
import './drift.css';
import './alerts.css';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
