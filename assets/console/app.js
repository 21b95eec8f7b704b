// Touchpoint staff console: the shell (shell.js) and its pages. Each page
// is a module under pages/ that registers itself (see the top of shell.js);
// adding one is one more import line here.

import { start } from './shell.js';
import './pages/today.js';
import './pages/participants.js';
import './pages/participant.js';
import './pages/groups.js';
import './pages/programmes.js';
import './pages/group.js';
import './pages/term.js';
import './pages/session.js';
import './pages/indicators.js';
import './pages/levels.js';
import './pages/appointments.js';
import './pages/messages.js';
import './pages/followup.js';
import './pages/devices.js';
import './pages/audit.js';

start();
