import { MantineThemeProvider, Modal, createTheme } from '@mantine/core';
import { Outlet } from 'react-router';
import './social.css';

/**
 * Social's look over the app's theme: the same components, an indigo primary colour and
 * state colours dark enough to read (social.css). Seed 003 asks for no look of its own.
 */
const socialTheme = createTheme({
  primaryColor: 'indigo',
  components: {
    // Dialogs render outside the .social wrapper: this class gives them its colours.
    Modal: Modal.extend({ defaultProps: { className: 'social-dialog', closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});

export function SocialLayout() {
  return (
    <MantineThemeProvider theme={socialTheme}>
      <div className="social">
        <Outlet />
      </div>
    </MantineThemeProvider>
  );
}
